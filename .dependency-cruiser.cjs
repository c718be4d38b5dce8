/**
 * The layer order of docs/architecture.md, enforced on every `npm test`
 * (`npm run check:layers`). A module may import its own layer and the layers
 * below it, never one above. Changing the order here means changing the doc.
 */

/** Lowest first. Each entry: a name and the path pattern of its modules. */
const LAYERS = [
  { name: 'shared', path: '^src/(util/|problems\\.ts$|problem-catalogue\\.ts$|model\\.ts$|content-contract\\.ts$|comparison-contract\\.ts$|projection-contract\\.ts$)' },
  { name: 'content', path: '^src/content/' },
  { name: 'compute', path: '^src/compute/' },
  { name: 'render', path: '^src/render/' },
  { name: 'publish', path: '^src/(publish/|site/)' },
  // One pipeline (load -> audit -> compute -> render, with the build cache) that build, check and the preview
  // run with their options; the build's run ends in publish (writes out/), check's and the preview's do not.
  { name: 'pipeline', path: '^src/pipeline/' },
  // The state database's plumbing (pool, errors, migrations, named SQL) sits below deliver, which owns the stores.
  { name: 'state', path: '^src/state/' },
  { name: 'deliver', path: '^src/deliver/' },
  // The preview mails a test copy through the sender's own path, so it sits above deliver.
  { name: 'preview', path: '^src/preview/' },
  { name: 'cli', path: '^src/(cli/|cli\\.ts$)' },
];

const upward = LAYERS.flatMap((from, i) => {
  const banned = LAYERS.slice(i + 1).map((to) => to.path);
  if (!banned.length) return [];
  return [{
    name: `layer-${from.name}`,
    comment: `${from.name} must not import a higher layer (docs/architecture.md)`,
    severity: 'error',
    from: { path: from.path },
    to: { path: banned },
  }];
});

/**
 * Every module of src/ sits in a layer: one that matches no layer's path would
 * escape the rules above. Three rules between them catch it whether it imports
 * something, is imported, or neither.
 */
const LAYERED = LAYERS.map((l) => l.path);
const UNLAYERED = 'src/ module in no layer: give it a layer in .dependency-cruiser.cjs and docs/architecture.md';
const unlayered = [
  { name: 'unlayered-module', comment: UNLAYERED, severity: 'error', from: { path: '^src/', pathNot: LAYERED }, to: {} },
  { name: 'unlayered-module', comment: UNLAYERED, severity: 'error', from: {}, to: { path: '^src/', pathNot: LAYERED } },
  { name: 'unlayered-module', comment: UNLAYERED, severity: 'error', from: { path: '^src/', pathNot: LAYERED, orphan: true }, to: {} },
];

/**
 * Inside deliver/, the sub-folders of docs/architecture.md and which siblings
 * each may import. audience (who we mail, their consent, their suppressions)
 * and transport (how mail leaves) know nothing of a send; send uses both;
 * store keeps every piece of state behind one interface (files or PostgreSQL),
 * the send ledger and the slot records among them, so send, schedule and serve
 * all read it; schedule decides when a send is due from its ledger and lock;
 * serve answers readers and providers. Modules directly in deliver/ (jsonl.ts) serve the
 * file-backed stores of every sub-folder and import none of them.
 */
const DELIVER_MAY_IMPORT = {
  audience: [],
  transport: [],
  store: ['audience'],
  send: ['audience', 'transport', 'store'],
  schedule: ['send', 'store'],
  serve: ['audience', 'send', 'transport', 'store'],
};
const deliverRules = [
  ...Object.entries(DELIVER_MAY_IMPORT).flatMap(([from, allowed]) => {
    const banned = Object.keys(DELIVER_MAY_IMPORT).filter((to) => to !== from && !allowed.includes(to));
    if (!banned.length) return [];
    return [{
      name: `deliver-${from}`,
      comment: `deliver/${from} may import only ${allowed.length ? allowed.join(', ') : 'no other sub-folder'} of deliver/ (docs/architecture.md)`,
      severity: 'error',
      from: { path: `^src/deliver/${from}/` },
      to: { path: `^src/deliver/(${banned.join('|')})/` },
    }];
  }),
  {
    name: 'deliver-root',
    comment: 'modules directly in deliver/ serve every sub-folder and import none of them',
    severity: 'error',
    from: { path: '^src/deliver/[^/]+$' },
    to: { path: '^src/deliver/[^/]+/' },
  },
  {
    name: 'transport-contract',
    comment: 'a transport imports only the sender contract (transport/sender.ts) of transport/; choose-transport picks one',
    severity: 'error',
    from: { path: '^src/deliver/transport/', pathNot: '^src/deliver/transport/choose-transport\\.ts$' },
    to: { path: '^src/deliver/transport/', pathNot: '^src/deliver/transport/sender\\.ts$' },
  },
  {
    name: 'transport-chosen',
    comment: 'outside transport/, mail goes through choose-transport (and the sender contract), never one transport directly',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/deliver/transport/' },
    to: { path: '^src/deliver/transport/(smtp|ses-transport)\\.ts$' },
  },
];

module.exports = {
  forbidden: [
    ...upward,
    ...unlayered,
    ...deliverRules,
    {
      name: 'no-circular',
      comment: 'import cycles hide which module owns what',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-dev-deps-in-src',
      comment: 'dist/ ships without devDependencies: src/ must not import one (tests and bench/ may)',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unlisted-deps',
      comment: 'every package src/ imports is in package.json',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'unknown', 'undetermined'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
