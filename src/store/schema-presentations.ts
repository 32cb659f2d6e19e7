/** OpenID4VP 1.0 presentation requests (issue 12 §2): see migration 0012. */

export type PresentationPurpose = 'verify' | 'recognition';
export type PresentationRequestStatus = 'pending' | 'answered' | 'declined';

export interface PresentationRequestTable {
  id: string;
  handle_hash: string;
  purpose: PresentationPurpose;
  nonce: string;
  client_id: string;
  request: string;
  user_id: string | null;
  programme_id: string | null;
  status: PresentationRequestStatus;
  result: string | null;
  refused: number;
  last_refusal: string | null;
  recognition_request_id: string | null;
  created_at: string;
  expires_at: string;
  answered_at: string | null;
}

export interface PresentationTables {
  presentation_requests: PresentationRequestTable;
}
