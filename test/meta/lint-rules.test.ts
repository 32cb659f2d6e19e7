import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('lint configuration', () => {
  it('forbids returning an un-awaited promise inside try', async () => {
    const eslint = new ESLint({ cwd: root, ignore: false });
    const [result] = await eslint.lintFiles(['test/fixtures/lint/return-in-try.ts']);
    const rules = result!.messages.map((message) => message.ruleId);
    expect(rules).toContain('@typescript-eslint/return-await');
  });
});
