/**
 * The server's field errors in sentences for people. A problem detail names fields by JSON pointer
 * (`/recipient/email`) and Ajv-style fragments ("is not an e-mail address", `must be one of "exam",
 * "online-exam"`); a person filling a form should read "The recipient's e-mail address is not an
 * e-mail address." beside the field, with codes turned into their labels ("Online examination") and
 * no pointer or property name (`creditsAvailable`) anywhere. Pure: the forms and ApiError use it.
 */
import { ASSESSMENT_TYPES, INTEGRATION_OPTIONS, PARTICIPATION_FORMS, QUALITY_ASSURANCE_TYPES, SUPERVISION_TYPES } from '../../src/domain/eu-elements.ts';

/** Fields by pointer; `*` stands for a list index, `{n}` in the label for that index counted from 1. */
const FIELDS: readonly (readonly [string, string])[] = [
  ['/name', 'the name'],
  ['/description', 'the description'],
  ['/criteria', 'the criteria'],
  ['/issuerId', 'the issuer'],
  ['/achievementId', 'the micro-credential'],
  ['/achievementType', 'the type'],
  ['/recipient', 'the recipient'],
  ['/recipient/email', 'the recipient’s e-mail address'],
  ['/recipient/did', 'the recipient’s DID'],
  ['/recipient/name', 'the recipient’s name'],
  ['/result', 'the result'],
  ['/result/grade', 'the result'],
  ['/result/creditsEarned', 'the credits earned'],
  ['/validFrom', 'the “valid from” date'],
  ['/validUntil', 'the “valid until” date'],
  ['/validityPeriod', 'the validity period'],
  ['/evidence', 'the evidence'],
  ['/evidence/*/id', 'the evidence address'],
  ['/evidence/*/narrative', 'the evidence narrative'],
  ['/email', 'the e-mail address'],
  ['/password', 'the password'],
  ['/reason', 'the reason'],
  ['/url', 'the address'],
  ['/image', 'the image'],
  ['/country', 'the country'],
  ['/credits', 'the credits'],
  ['/modules', 'the modules'],
  ['/eu/creditsAvailable', 'the ECTS workload'],
  ['/eu/eqfLevel', 'the EQF level'],
  ['/eu/learningOutcome', 'the learning outcomes'],
  ['/eu/learningOutcome/*', 'learning outcome {n}'],
  ['/eu/assessmentType', 'the type of assessment'],
  ['/eu/assessmentType/*', 'the type of assessment'],
  ['/eu/participationForm', 'the form of participation'],
  ['/eu/qualityAssurance', 'the quality assurance'],
  ['/eu/qualityAssurance/*', 'the quality assurance'],
  ['/eu/prerequisites', 'the prerequisites'],
  ['/eu/supervision', 'the supervision and identity verification'],
  ['/eu/integration', 'the integration (stackability)'],
  ['/eu/stackableTowards', 'the qualifications it stacks toward'],
  ['/eu/furtherInformation', 'the further information'],
  ['/alignments', 'the skills'],
  ['/alignments/*/targetUrl', 'the address of skill {n}'],
  ['/alignments/*/targetName', 'the name of skill {n}'],
];

/** Property names that messages sometimes carry in their text ("must be after validFrom"). */
const PROPERTY_WORDS: Record<string, string> = {
  creditsAvailable: 'ECTS workload',
  creditsEarned: 'credits earned',
  eqfLevel: 'EQF level',
  learningOutcome: 'learning outcomes',
  assessmentType: 'type of assessment',
  participationForm: 'form of participation',
  qualityAssurance: 'quality assurance',
  stackableTowards: 'qualifications it stacks toward',
  furtherInformation: 'further information',
  validFrom: '“valid from” date',
  validUntil: '“valid until” date',
  validityPeriod: 'validity period',
  achievementId: 'micro-credential',
  issuerId: 'issuer',
  targetUrl: 'address',
  targetName: 'name',
};

/** Every EU code with its label ("online-exam" → "Online examination"). */
const CODE_LABELS: ReadonlyMap<string, string> = new Map(
  [ASSESSMENT_TYPES, PARTICIPATION_FORMS, QUALITY_ASSURANCE_TYPES, SUPERVISION_TYPES, INTEGRATION_OPTIONS].flatMap((list) =>
    (list as readonly { code: string; label: string }[]).map((e) => [e.code, e.label] as const),
  ),
);

function unescape(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** "/body/eu/x" and "/eu/x" are the same field. */
export function normalisePointer(pointer: string): string {
  return pointer.startsWith('/body/') ? pointer.slice(5) : pointer;
}

/**
 * The field a pointer names, as a noun phrase starting in lower case: "/eu/creditsAvailable" →
 * "the ECTS workload", "/alignments/1/targetUrl" → "the address of skill 2". Unknown fields get their
 * last names in words ("/foo/barBaz" → "the foo bar baz"); the root ("/" or "") gives undefined.
 */
export function fieldLabel(pointer: string): string | undefined {
  const parts = normalisePointer(pointer).split('/').filter((p) => p !== '').map(unescape);
  if (parts.length === 0) return undefined;
  const shape = '/' + parts.map((p) => (/^\d+$/.test(p) ? '*' : p)).join('/');
  const index = parts.find((p) => /^\d+$/.test(p));
  const known = FIELDS.find(([p]) => p === shape)?.[1];
  if (known) return known.replace('{n}', index === undefined ? '' : String(Number(index) + 1));
  const words = parts
    .filter((p) => p !== 'eu' && p !== 'body')
    .map((p) => (/^\d+$/.test(p) ? String(Number(p) + 1) : (PROPERTY_WORDS[p] ?? p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())))
    .join(' ');
  return words ? `the ${words}` : undefined;
}

/** A code in quotes or standing alone with a hyphen ("online-exam") becomes its label; plain words stay. */
function codesToLabels(text: string): string {
  let out = text.replace(/"([a-z0-9-]+)"/g, (whole, code: string) => {
    const label = CODE_LABELS.get(code);
    return label ? `“${label}”` : whole;
  });
  out = out.replace(/`([^`]+)`/g, '$1');
  out = out.replace(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g, (code) => CODE_LABELS.get(code) ?? code);
  return out;
}

/** Pointers ("/recipient/did", "recipient/email") and property names in a message, in words. */
function namesToWords(text: string): string {
  // A property name given in brackets after its words ("workload in ECTS credits (creditsAvailable)") adds nothing.
  let out = text.replace(/\s*\((?:[a-z]+[A-Z][A-Za-z]*|\/[A-Za-z0-9/~]+)\)/g, '');
  out = out.replace(/(^|[\s(“"'])(\/?[A-Za-z]+(?:\/[A-Za-z0-9~]+)+)/g, (whole, lead: string, pointer: string) => {
    const label = fieldLabel(pointer.startsWith('/') ? pointer : `/${pointer}`);
    return label ? `${lead}${label}` : whole;
  });
  out = out.replace(/(\bthe\s+)?\b([a-z]+[A-Z][A-Za-z]*)\b/gi, (whole, the: string | undefined, name: string) => {
    if (!/^[a-z]+[A-Z]/.test(name)) return whole;
    const words = PROPERTY_WORDS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return `${the ?? 'the '}${words}`;
  });
  return out;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?][”")]?$/.test(capital) ? capital : `${capital}.`;
}

/**
 * One field error as a sentence: "is required" at "/recipient/email" → "The recipient’s e-mail address
 * is required."; `must be one of "exam", "online-exam"` at "/eu/assessmentType/0" → "The type of
 * assessment must be one of “Written examination”, “Online examination”." A message that is already a
 * sentence (it starts with a capital) keeps its words, with names and codes put into words.
 */
export function fieldSentence(pointer: string, message: string): string {
  const words = codesToLabels(namesToWords(message.trim()));
  const label = fieldLabel(pointer);
  // A fragment ("is required", "must be…") is completed with the field's name; a sentence stands alone.
  const fragment = /^(is|are|must|may|has|have|contains|does|differs|nests|should|cannot|give)\b/.test(words);
  return sentence(fragment && label ? `${label} ${words}` : words);
}

/** A problem detail in words: the same treatment as a sentence, for details that name fields. */
export function detailSentence(detail: string): string {
  // "/name is required" (a request validation's detail) names its field first.
  const match = /^(\/[^\s]*)\s+(.*)$/.exec(detail.trim());
  if (match) return fieldSentence(match[1]!, match[2]!);
  return sentence(codesToLabels(namesToWords(detail)));
}

/** "2 MB", "512 kB": a byte limit as people say it. */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}

/** What a file over the limit is told, with the limit: "The file is 3.1 MB; files up to 2 MB are accepted." */
export function tooLargeSentence(what: string, size: number | undefined, limit: number): string {
  const subject = what.charAt(0).toUpperCase() + what.slice(1);
  return size === undefined
    ? `${subject} is too large: files up to ${sizeInWords(limit)} are accepted.`
    : `${subject} is ${sizeInWords(size)}: files up to ${sizeInWords(limit)} are accepted.`;
}
