/**
 * The static archive under out/site/. Placeholder until the archive issue
 * lands: it adds nothing yet.
 */
import type { Content } from '../model.js';
import type { Problem } from '../problems.js';
import type { OutputFiles } from '../publish/edition-files.js';
import type { RenderedEdition } from '../render/render-edition.js';
import type { TemplateSet } from '../render/templates.js';

export interface SiteInput {
  content: Content;
  rendered: RenderedEdition[];
  templates: TemplateSet;
}

export function addSiteFiles(_files: OutputFiles, _input: SiteInput): Problem[] {
  return [];
}
