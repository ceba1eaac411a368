import type { Catalog } from '../catalog.js';
import type { Locale } from '../locales.js';
import { ar } from './ar.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { he } from './he.js';
import { it } from './it.js';
import { ja } from './ja.js';
import { ko } from './ko.js';
import { nl } from './nl.js';
import { pl } from './pl.js';
import { ptBR } from './pt-BR.js';
import { ru } from './ru.js';
import { tr } from './tr.js';
import { uk } from './uk.js';
import { zhCN } from './zh-CN.js';

/** Every locale's catalog: adding a locale to locales.ts without its catalog does not compile. */
export const catalogs: Readonly<Record<Locale, Catalog>> = {
  en,
  es,
  fr,
  de,
  it,
  'pt-BR': ptBR,
  nl,
  pl,
  ru,
  uk,
  tr,
  ja,
  ko,
  'zh-CN': zhCN,
  ar,
  he,
};
