/** The system type's template handling: shell-like word splitting, and `shell: true` scripts with values as positional parameters. */
import os from 'node:os';
import { expect } from 'chai';
import { buildShellScript } from '../../plugins/system-hook/shell-script.js';
import { splitWords } from '../../core/system/shell-words.js';

describe('event hooks: system command templates', () => {
  it('splits words as a shell would, before any substitution', () => {
    expect(splitWords(`python ~/growl.py -d "Starting {file}" -a 'Octo Print' a\\ b "" x"y"'z' "q\\"\\$\\\\" "\\n"`).words).to.deep.equal([
      'python',
      `${os.homedir()}/growl.py`,
      '-d',
      'Starting {file}',
      '-a',
      'Octo Print',
      'a b',
      '',
      'xyz',
      'q"$\\',
      '\\n',
    ]);
    expect(splitWords('a~ "~/x" ~user').words).to.deep.equal(['a~', '~/x', '~user']);
    expect(splitWords('  \t ').words).to.deep.equal([]);
  });

  it('reports shell syntax and unterminated quotes', () => {
    expect(splitWords('echo a | wc; x && y > f `z` $(w) $HOME #c').shellSyntax).to.have.members(['|', ';', '&', '>', '`', '$(', '$VAR', '#']);
    expect(splitWords(`echo "a | b; c" 'd > e' f\\|g a#b`).shellSyntax).to.deep.equal([]);
    expect(() => splitWords('echo "open')).to.throw(/unterminated " quote/);
    expect(() => splitWords("echo 'open")).to.throw(/unterminated ' quote/);
  });

  it('refers to values as positional parameters in the quoting context where they stand', () => {
    const values: Record<string, string> = { a: 'A', b: 'B' };
    const { script, args } = buildShellScript(`cmd {a} "in {b} dq" 'in {a} sq' {{literal}} \${HOME} | tee "{b}.log"`, (n) => values[n]!);
    expect(script).to.equal(`cmd "\${1}" "in \${2} dq" 'in '"\${1}"' sq' {literal} \${HOME} | tee "\${2}.log"`);
    expect(args).to.deep.equal(['A', 'B']);
  });
});
