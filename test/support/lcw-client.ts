/**
 * A client that behaves as the DCC Learner Credential Wallet does with a VC-API exchange: it reads
 * the deep link (https://lcw.app/request?request={credentialRequestOrigin, protocols.vcapi}), posts
 * `{}` to the exchange, answers the DID Authentication request with a presentation it signs with its
 * own did:key through @digitalbazaar/vc (eddsa-rdfc-2022, purpose authentication), and reads the
 * credential from the presentation it is answered with. Nothing of microcred's code is used.
 */
import { randomBytes } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { JsonObject } from '../../src/vc/types.ts';
import { referenceDocumentLoader } from './reference.ts';

export type WalletKeyPair = Awaited<ReturnType<typeof Ed25519Multikey.generate>>;

/** A wallet's did:key and its signing key, made by the reference key library. */
export async function walletKey(): Promise<{ did: string; key: WalletKeyPair }> {
  const seed = randomBytes(32);
  const probe = await Ed25519Multikey.generate({ seed });
  const did = `did:key:${probe.publicKeyMultibase}`;
  return { did, key: await Ed25519Multikey.generate({ seed, controller: did }) };
}

/** A DID Authentication presentation as LCW signs it. */
export async function didAuth(options: { holder: string; key: WalletKeyPair; challenge: string; domain: string }): Promise<JsonObject> {
  const presentation = vc.createPresentation({ holder: options.holder, version: 2.0 });
  const suite = new DataIntegrityProof({ signer: options.key.signer(), cryptosuite: eddsaRdfc2022Cryptosuite });
  return (await vc.signPresentation({ presentation, suite, challenge: options.challenge, domain: options.domain, documentLoader: referenceDocumentLoader })) as JsonObject;
}

/** LCW reading its deep link: the `request` parameter's JSON. Throws for a link that is not LCW's. */
export function readLcwDeepLink(link: string): { credentialRequestOrigin: string; protocols: { vcapi: string } } {
  const url = new URL(link);
  if (`${url.origin}${url.pathname}` !== 'https://lcw.app/request') throw new Error(`not an LCW deep link: ${link}`);
  const request = JSON.parse(url.searchParams.get('request') ?? 'null') as { credentialRequestOrigin?: unknown; protocols?: { vcapi?: unknown } } | null;
  if (typeof request?.credentialRequestOrigin !== 'string' || typeof request.protocols?.vcapi !== 'string') throw new Error(`no credentialRequestOrigin or protocols.vcapi in ${link}`);
  return { credentialRequestOrigin: request.credentialRequestOrigin, protocols: { vcapi: request.protocols.vcapi } };
}

export interface PresentationRequest {
  query: { type: string }[] | { type: string };
  challenge: string;
  domain: string;
  interact: { service: { type: string; serviceEndpoint: string }[] };
}

/** Posts JSON (or raw text) to an exchange as a wallet does. */
export async function postJson(fetcher: typeof fetch, url: string, body: unknown, raw = false): Promise<{ status: number; type: string; json: JsonObject }> {
  const response = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: raw ? String(body) : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', json: (text ? JSON.parse(text) : undefined) as JsonObject };
}

/**
 * The whole of LCW's part: deep link → request → DID Authentication → credential. Refuses, as LCW
 * does, a request whose domain is not the origin the link named. Answers the credential and the DID.
 */
export async function takeIntoLcw(fetcher: typeof fetch, deepLink: string, wallet?: { did: string; key: WalletKeyPair }): Promise<{ credential: JsonObject; did: string }> {
  const { credentialRequestOrigin, protocols } = readLcwDeepLink(deepLink);
  const started = await postJson(fetcher, protocols.vcapi, {});
  if (started.status !== 200) throw new Error(`the exchange answered ${started.status}: ${JSON.stringify(started.json)}`);
  const request = started.json.verifiablePresentationRequest as unknown as PresentationRequest;
  const queries = Array.isArray(request.query) ? request.query : [request.query];
  if (!queries.some((query) => query.type === 'DIDAuthentication')) throw new Error('no DIDAuthentication query');
  if (new URL(request.domain.includes('://') ? request.domain : `https://${request.domain}`).host !== new URL(credentialRequestOrigin).host) {
    throw new Error(`the request's domain ${request.domain} is not the origin ${credentialRequestOrigin}`);
  }
  const endpoint = request.interact?.service?.find((service) => service.type === 'UnmediatedPresentationService2021')?.serviceEndpoint ?? protocols.vcapi;
  const { did, key } = wallet ?? await walletKey();
  const answered = await postJson(fetcher, endpoint, { verifiablePresentation: await didAuth({ holder: did, key, challenge: request.challenge, domain: request.domain }) });
  if (answered.status !== 200) throw new Error(`the exchange answered ${answered.status}: ${JSON.stringify(answered.json)}`);
  const [credential] = (answered.json.verifiablePresentation as JsonObject).verifiableCredential as JsonObject[];
  return { credential: credential!, did };
}
