/** Tables of recognition (credit transfer): programmes and the agreements a registrar defines (issue 5). */

/** A programme of an organisation; `definition` is the engine's Programme as JSON text (its id is the row id). */
export interface RecognitionProgrammeTable {
  id: string;
  organisation_id: string;
  name: string;
  definition: string;
  /** The organisation's achievement issued as the recognition credential (credits earned = credits recognised). */
  achievement_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A recognition agreement toward one programme; `definition` is the engine's RecognitionAgreement as JSON text. */
export interface RecognitionAgreementTable {
  id: string;
  organisation_id: string;
  programme_id: string;
  definition: string;
  created_at: string;
}

/** 'withdrawn': the learner took the request back before it was decided. */
export type RecognitionRequestStatus = 'pending' | 'decided' | 'withdrawn';

/**
 * A learner's request to recognise wallet credentials toward a programme: the engine's proposal as
 * made (JSON), and the registrar's decision record (JSON, with every reason) once there is one.
 */
export interface RecognitionRequestTable {
  id: string;
  organisation_id: string;
  programme_id: string;
  user_id: string;
  /** JSON array of the wallet_credentials ids the learner chose (the engine's credential keys). */
  credential_ids: string;
  status: RecognitionRequestStatus;
  proposal: string;
  decision: string | null;
  decided_by: string | null;
  decided_at: string | null;
  /** credentials.id of the recognition credential issued once the decision was final. */
  issued_credential_id: string | null;
  created_at: string;
}

/** An RPL-by-assessment case: the engine's RplCase as JSON (outcomes, evidence, reviews, history, decision). */
export interface RplCaseTable {
  id: string;
  organisation_id: string;
  achievement_id: string;
  user_id: string;
  /** Copy of the case status, for the queues. */
  status: string;
  data: string;
  issued_credential_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A file given as RPL evidence; the case's evidence entry (kind 'file') has the same id. */
export interface RplFileTable {
  id: string;
  case_id: string;
  user_id: string;
  outcome_id: string;
  /** A safe file name (no slashes or control characters), as given or made from the type. */
  name: string;
  /** The type the content was sniffed as: application/pdf, image/png, image/jpeg or text/plain. */
  media_type: string;
  size_bytes: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** base64 of the bytes. */
  content: string;
  created_at: string;
}

export interface RecognitionTables {
  rpl_cases: RplCaseTable;
  rpl_files: RplFileTable;
  recognition_programmes: RecognitionProgrammeTable;
  recognition_agreements: RecognitionAgreementTable;
  recognition_requests: RecognitionRequestTable;
}
