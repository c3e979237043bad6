import { useTranslation } from 'react-i18next';

/** Offers the other language, named in that language (as GOV.UK does for Cymraeg). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const other = t('language.otherCode');
  return (
    <button
      type="button"
      className="header-button"
      lang={other}
      aria-label={t('language.switchLabel')}
      onClick={() => void i18n.changeLanguage(other)}
    >
      {t('language.other')}
    </button>
  );
}
