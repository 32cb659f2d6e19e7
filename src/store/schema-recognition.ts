/** Tables of recognition (credit transfer): programmes and the agreements a registrar defines (issue 5). */

/** A programme of an organisation; `definition` is the engine's Programme as JSON text (its id is the row id). */
export interface RecognitionProgrammeTable {
  id: string;
  organisation_id: string;
  name: string;
  definition: string;
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

export interface RecognitionTables {
  recognition_programmes: RecognitionProgrammeTable;
  recognition_agreements: RecognitionAgreementTable;
}
