import type { GraphQLSchema } from 'graphql';
import { isInputObjectType, isObjectType } from 'graphql';
import { PAGE } from '../shared/pagination.js';
import { AGENCIES, AGENCY_PURPOSES, fieldAccess, ROW_SCOPE, STRUCTURAL_TYPES } from './access-policy.js';
import { AGENCY_LIMITS, DEFAULT_LIST_BOUND, LIMIT_NAMES, LIST_BOUNDS } from './limits-policy.js';

const ROW_TEXT = {
  JURISDICTION: 'region code starts with the jurisdiction',
  JURISDICTION_RURAL: 'in jurisdiction and residence RURAL',
  JURISDICTION_MONITORED: 'in jurisdiction, holding an active RETURNED_TO_POVERTY, AT_RISK_MONITORED or LIFTED_OUT_OF_POVERTY status',
  REFERRED: 'referred to this client (active referral)',
  CONSENTED: 'consented to share with this client (active consent)',
  NONE: 'none',
} as const;

/**
 * The access matrix for people (`docs/access-matrix.md`), generated from the
 * policy data and the schema, so that the document cannot say other than the
 * code does.
 */
export function renderAccessMatrix(schema: GraphQLSchema): string {
  const lines = [
    '# Access matrix',
    '',
    'Generated from `src/auth/access-policy.ts` by `npm run schema`; a test fails when it is stale.',
    '`full` = the value, `masked` = its masked form, `—` = the field does not exist for that agency.',
    '',
    `| field | ${AGENCIES.join(' | ')} |`,
    `|---|${AGENCIES.map(() => '---').join('|')}|`,
  ];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInputObjectType(type)) || type.name.startsWith('__') || STRUCTURAL_TYPES.includes(type.name)) continue;
    for (const field of Object.keys(type.getFields())) {
      const coordinate = `${type.name}.${field}`;
      lines.push(`| ${coordinate} | ${AGENCIES.map((a) => fieldAccess(a, coordinate) ?? '—').join(' | ')} |`);
    }
  }
  lines.push(
    '',
    `List types (${STRUCTURAL_TYPES.join(', ')}) follow the field that leads to them.`,
    '',
    '## Rows',
    '',
    '| agency | sees persons |',
    '|---|---|',
  );
  for (const agency of AGENCIES) lines.push(`| ${agency} | ${ROW_TEXT[ROW_SCOPE[agency]]} |`);
  lines.push('', '## Purposes', '', '| agency | may declare |', '|---|---|');
  for (const agency of AGENCIES) lines.push(`| ${agency} | ${AGENCY_PURPOSES[agency].join(', ') || '—'} |`);
  lines.push(
    '',
    '## Limits',
    '',
    'From `src/auth/limits-policy.ts`, per agency kind; a client’s own row overrides any of them (`hub clients limits`).',
    '',
    `| limit | ${AGENCIES.join(' | ')} |`,
    `|---|${AGENCIES.map(() => '---').join('|')}|`,
  );
  for (const name of LIMIT_NAMES) lines.push(`| ${name} | ${AGENCIES.map((a) => String(AGENCY_LIMITS[a][name])).join(' | ')} |`);
  lines.push(
    '',
    'The cost of an operation counts every field of object type once, times the size of every list around it:',
    `its \`first\` (default ${PAGE.default}), 1 for a connection’s \`edges\`, and for other lists the bound below (${DEFAULT_LIST_BOUND} when not listed).`,
    '',
    '| list field | bound |',
    '|---|---|',
  );
  for (const [coordinate, bound] of Object.entries(LIST_BOUNDS)) lines.push(`| \`${coordinate}\` | ${bound} |`);
  return `${lines.join('\n')}\n`;
}
