/**
 * A micro-credential with every element set (Annex I mandatory and optional, and the OB 3.0 extras:
 * grade, other results, evidence, activity dates, skills), and the label → words each screen must show
 * for it. One fixture for the view model, the public page and the PDF tests, so they check the same.
 */
import type { JsonObject } from '../../src/vc/types.ts';

export const PIXEL_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

export const FULL_CREDENTIAL: JsonObject = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://w3id.org/microcred/eu/v1'],
  id: 'urn:uuid:0b7c7c55-8f1c-4d8e-9d55-1c3f4b5a6e7f',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Data Literacy Essentials',
  issuer: {
    id: 'did:web:uni.example',
    type: ['Profile'],
    name: 'Université Exemple',
    url: 'https://uni.example',
    image: { id: PIXEL_PNG, type: 'Image' },
    address: { type: ['Address'], addressCountryCode: 'FR' },
  },
  validFrom: '2026-03-02T09:30:00Z',
  validUntil: '2029-03-02T09:30:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    name: 'Léa Martin',
    creditsEarned: 4.5,
    activityStartDate: '2026-01-12T00:00:00Z',
    activityEndDate: '2026-02-27T00:00:00Z',
    term: 'Spring 2026',
    role: 'Participant',
    licenseNumber: 'LIC-2026-42',
    result: [
      { type: ['Result'], resultDescription: 'urn:uuid:rd-grade', value: 'B' },
      { type: ['Result'], resultDescription: 'urn:uuid:rd-project', achievedLevel: 'urn:uuid:level-merit', status: 'Completed' },
    ],
    achievement: {
      id: 'https://uni.example/achievements/data-literacy',
      type: ['Achievement'],
      achievementType: 'MicroCredential',
      name: 'Data Literacy Essentials',
      description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
      image: { id: PIXEL_PNG, type: 'Image' },
      criteria: { narrative: 'Pass the final project and the online exam.' },
      creditsAvailable: 5,
      fieldOfStudy: 'Data science',
      specialization: 'Applied statistics',
      humanCode: 'DLE-101',
      tag: ['data', 'python'],
      alignment: [
        { type: ['Alignment'], targetName: 'EQF level 5', targetFramework: 'European Qualifications Framework', targetCode: '5', targetUrl: 'http://data.europa.eu/snb/eqf/5' },
        { type: ['Alignment'], targetName: 'Python (computer programming)', targetFramework: 'ESCO', targetUrl: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d' },
      ],
      resultDescription: [
        { id: 'urn:uuid:rd-grade', type: ['ResultDescription'], name: 'Final grade', resultType: 'LetterGrade' },
        {
          id: 'urn:uuid:rd-project', type: ['ResultDescription'], name: 'Final project', resultType: 'RubricCriterionLevel',
          rubricCriterionLevel: [{ id: 'urn:uuid:level-merit', type: ['RubricCriterionLevel'], name: 'Merit' }],
        },
      ],
      learningOutcome: ['Clean a tabular data set', 'Choose and draw a suitable chart'],
      assessmentType: ['project', 'online-exam'],
      participationForm: 'blended',
      qualityAssurance: ['internal', 'accredited-programme'],
      prerequisites: 'Secondary school mathematics.',
      supervision: 'supervised-online-id',
      integration: 'stackable',
      stackableTowards: ['https://uni.example/achievements/data-science-certificate'],
      furtherInformation: 'Taught in English and French.',
    },
  },
  evidence: [{ id: 'https://uni.example/evidence/42', type: ['Evidence'], name: 'Final project report', narrative: 'A cleaned open data set with four charts.' }],
  proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: 'did:web:uni.example#key-1', proofPurpose: 'assertionMethod', proofValue: 'z3abc' }],
};

/** Every label the screens show for FULL_CREDENTIAL, with words its value must contain. */
export const FULL_FACTS: [label: string, words: string[]][] = [
  ['Learner', ['Léa Martin']],
  ['Awarding body', ['Université Exemple']],
  ['Country of the issuer', ['France']],
  ['Date of issuing', ['2 March 2026']],
  ['Valid until', ['2 March 2029']],
  ['Type of credential', ['Micro-credential']],
  ['Learning outcomes', ['Clean a tabular data set', 'Choose and draw a suitable chart']],
  ['Skills', ['Python (computer programming)']],
  ['Notional workload', ['5 ECTS credits']],
  ['Credits earned', ['4.5 ECTS credits']],
  ['Level (EQF)', ['EQF level 5']],
  ['Field of study', ['Data science']],
  ['Specialisation', ['Applied statistics']],
  ['Type of assessment', ['Project', 'Online examination']],
  ['Form of participation', ['Blended (hybrid)']],
  ['Type of quality assurance', ['Internal quality assurance of the provider', 'Accredited programme']],
  ['Prerequisites', ['Secondary school mathematics.']],
  ['Supervision and identity verification', ['Supervised, with online identity verification']],
  ['Grade achieved', ['B']],
  ['Results', ['Final project: Merit (Completed)']],
  ['Integration and stackability', ['Integrated or stackable towards another credential']],
  ['Stacks towards', ['https://uni.example/achievements/data-science-certificate']],
  ['Criteria', ['Pass the final project and the online exam.']],
  ['Evidence', ['Final project report: A cleaned open data set with four charts.']],
  ['Learning activity', ['12 January 2026', '27 February 2026']],
  ['Term', ['Spring 2026']],
  ['Role', ['Participant']],
  ['Licence number', ['LIC-2026-42']],
  ['Course code', ['DLE-101']],
  ['Keywords', ['data, python']],
  ['Further information', ['Taught in English and French.']],
];

/** The EU codes of FULL_CREDENTIAL: none may appear on a screen (they are shown as their labels). */
export const FULL_CODES = ['online-exam', 'supervised-online-id', 'accredited-programme', 'blended', 'MicroCredential', 'LetterGrade', 'urn:uuid:level-merit'];
