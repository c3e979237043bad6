import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import da from './locales/da.json';
import en from './locales/en.json';

export const languages = ['da', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'udkast.language';

// `satisfies` makes a key missing from en.json a type error.
export const resources = {
  da: { translation: da },
  en: { translation: en satisfies typeof da },
} as const;

function storedLanguage(): Language {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'da';
  } catch {
    return 'da';
  }
}

export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'en' ? 'en' : 'da';
}

function applyLanguage(language: string): void {
  document.documentElement.lang = language;
  // The server reads this cookie before Accept-Language, so downloads (/exports/…) and
  // WebSocket messages come in the chosen language too.
  document.cookie = `lang=${language}; path=/; max-age=31536000; SameSite=Lax`;
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // Private mode or disabled storage: the choice then lasts for this page only.
  }
}

i18n.on('languageChanged', applyLanguage);

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLanguage(),
  fallbackLng: 'da',
  supportedLngs: languages,
  initAsync: false,
  // React escapes what it renders; escaping here as well would double-escape.
  interpolation: { escapeValue: false },
});

export default i18n;
