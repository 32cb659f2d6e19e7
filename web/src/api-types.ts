/**
 * The API's shapes, from the server's contract (src/http/contract: the TypeBox schemas the routes
 * validate and serialise with). Type-only: nothing of TypeBox or the server reaches the bundle.
 * Nothing is restated here (test/meta/contract.test.ts). Where the contract leaves a part opaque
 * (`unknown`: the engine's evaluations, proposals and plans, the display model), the `…View` types
 * name it with the server's own type from src/domain or src/vc, which is what the service returns.
 */
import type { Pathway, PathwayCheck, PathwayProgress, PathwayRules } from '../../src/http/contract/pathways.ts';
import type { QueueRequest, RecognitionRequest, MyRecognitionRequest, RequestDetail, RplCase, RplCaseDetail } from '../../src/http/contract/recognition.ts';
import type { WalletItemDetail } from '../../src/http/contract/wallet.ts';
import type { Plan } from '../../src/domain/planner/index.ts';
import type { DecisionRecord, RecognitionProposal } from '../../src/domain/recognition/types.ts';
import type { CaseStatus, RplCase as Case } from '../../src/domain/rpl/case.ts';
import type { PathwayEvaluation } from '../../src/domain/stacking/index.ts';
import type { CredentialDisplay } from '../../src/vc/display.ts';

export type { Problem, Items } from '../../src/http/contract/common.ts';
export type { ConnectedApplication, ObPushStarted } from '../../src/http/contract/ob-api.ts';
export type { VcApiExchange } from '../../src/http/contract/exchanges.ts';
export type { ClaimOfferLink, StaffOffer } from '../../src/http/contract/oid4vci.ts';
export type {
  ApiKey, ApiKeyCreate, ApiKeyScope, AuditEntry, CreatedApiKey, Invitation, InvitationCreate, InvitationPreview, LoginBody, Me, Member, MemberAdd, Membership, Organisation,
  OrganisationUpdate, PasswordChange, Role,
  SetupBody, SetupResult, SignedIn, User,
} from '../../src/http/contract/accounts.ts';
export type { Achievement, AchievementInput, AchievementPreview, AchievementVersion, Alignment, EuElements, ResultDescription } from '../../src/http/contract/achievements.ts';
export type { BulkJob } from '../../src/http/contract/bulk.ts';
export type { CredentialHistory, CredentialListQuery, CredentialPage, CredentialStatus, IssueBody, IssuedCredential } from '../../src/http/contract/credentials.ts';
export type { Issuer, IssuerCreate, IssuerKey, IssuerUpdate } from '../../src/http/contract/issuers.ts';
export type { ConfirmEmailResult, LearnerKey, LearnerKeyOrNone, OutboxMessage, SignupBody, SignupResult, UserEmail } from '../../src/http/contract/learners.ts';
export type {
  CatalogueItem, FlagResolution, Pathway, PathwayAward, PathwayCheckBody, PathwayFlag, PathwayInput, PathwayRules, PathwayStatus, PlanBody, PublishedPathway,
  RevocationPolicy, TrustedIssuer, TrustedIssuerCreate,
} from '../../src/http/contract/pathways.ts';
export type {
  Agreement, AgreementBody, Programme, ProgrammeBody, ProgrammeModule, PublicProgramme, RecognitionRequestBody, RegistrarDecision, RequestStatus, RplAchievement,
  RplEvidenceInput, RplReviewBody, SourceCredential,
} from '../../src/http/contract/recognition.ts';
export type { CreatedWebhook, Webhook, WebhookCreate, WebhookDelivery, WebhookEventName } from '../../src/http/contract/webhooks.ts';
export type { XapiRule, XapiRuleCreate, XapiStatementSummary } from '../../src/http/contract/xapi.ts';
export type { LtiCourse, LtiPlatform, LtiPlatformCreate, LtiToolConfiguration } from '../../src/http/contract/lti.ts';
export type { DownloadKind, PresentationBody, Share, ShareCreate, ShareTarget } from '../../src/http/contract/sharing.ts';
export type {
  CheckOutcome, PresentationRequestBody, PresentationRequestCreated, PresentationRequestState, VerifyAnswer, VerifyBody, VerifyCheck,
} from '../../src/http/contract/verifier.ts';
export type { AuthorizationStart, ExternalOfferResult, OfferPreview, PresentationAnswer, RequestPreview } from '../../src/http/contract/wallet-holder.ts';
export type {
  ClaimPreview, CollectionCreate, CollectionSummary, CollectionUpdate, CollectionView, Facets, ImportBody, ImportResult, Offer, Skill, Totals, WalletCheck, WalletItem,
  WalletListQuery, WalletPage, WalletStatus,
} from '../../src/http/contract/wallet.ts';

export type { Plan, PlannedAchievement } from '../../src/domain/planner/index.ts';
export type { DecisionRecord, FinalItem, ProposalItem, RecognitionGap, RecognitionProposal, RegistrarAction } from '../../src/domain/recognition/types.ts';
export type { Evidence as RplEvidence, OutcomeReview as RplReview, RplOutcome } from '../../src/domain/rpl/case.ts';
export type { Missing, PathwayEvaluation, RequirementResult, UnusableCredential } from '../../src/domain/stacking/index.ts';
export type { CredentialDisplay, DisplayAlignment } from '../../src/vc/display.ts';

/** A learner's progress on a pathway, with the engine's evaluation (and, for one pathway, the planner's suggestion). */
export type PathwayProgressView = Omit<PathwayProgress, 'evaluation' | 'plan'> & { evaluation: PathwayEvaluation; plan?: Plan };
/** The designer's live check: the evaluation is null when the rules have problems. */
export type PathwayCheckView = Omit<PathwayCheck, 'evaluation'> & { evaluation: PathwayEvaluation | null };
/** The engine's proposal and the registrar's decision record of a recognition request. */
type Decided<T> = Omit<T, 'proposal' | 'decision'> & { proposal: RecognitionProposal; decision: DecisionRecord | null };
export type RecognitionRequestView = Decided<RecognitionRequest>;
export type MyRecognitionRequestView = Decided<MyRecognitionRequest>;
export type QueueRequestView = Decided<QueueRequest>;
export type RequestDetailView = Decided<RequestDetail>;
/** An RPL case with its outcomes, evidence, reviews and decision as the domain keeps them. */
type Assessed<T> = Omit<T, 'status' | 'outcomes' | 'history' | 'decision'> & Pick<Case, 'outcomes' | 'history' | 'decision'> & { status: CaseStatus };
export type RplCaseView = Assessed<RplCase>;
export type RplCaseDetailView = Assessed<RplCaseDetail>;
/** One labelled fact of what a credential certifies, as the API sends it (the same on the public page and the PDF). */
export type CertifiedFact = WalletItemDetail['certifies'][number];
/** One technical fact (an identifier, a proof suite, a key, a media type). */
export type TechnicalFact = WalletItemDetail['technical'][number];
/** A wallet credential with its display model. */
export type WalletItemDetailView = Omit<WalletItemDetail, 'display'> & { display?: CredentialDisplay };
/** A pathway as defined, with its rules as the server stored them (after the engine accepted them). */
export type PathwayView = Omit<Pathway, 'rules'> & { rules: PathwayRules };
/** A problem the engine found in a pathway's rules, at a pointer into them. */
export type PathwayProblem = PathwayCheck['problems'][number];
