import 'i18next';
import type da from './locales/da.json';

// Every t('…') key is checked against the Danish message file at compile time.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof da };
  }
}
