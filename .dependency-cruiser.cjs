/**
 * The layer order of docs/architecture.md, enforced on every `npm test`
 * (`npm run check:layers`). A module may import its own layer and the layers
 * below it, never one above. Changing the order here means changing the doc.
 */

/** Lowest first. Each entry: a name and the path pattern of its modules. */
const LAYERS = [
  { name: 'shared', path: '^src/(util/|problems\\.ts$|problem-catalogue\\.ts$|model\\.ts$|content-contract\\.ts$|comparison-contract\\.ts$)' },
  { name: 'content', path: '^src/content/' },
  { name: 'compute', path: '^src/compute/' },
  { name: 'render', path: '^src/render/' },
  // The build pipeline (src/build.ts) drives content -> publish and writes out/: it sits with publish.
  { name: 'publish', path: '^src/(publish/|site/|build\\.ts$)' },
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

module.exports = {
  forbidden: [
    ...upward,
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
