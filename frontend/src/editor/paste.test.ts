import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Editor } from '@tiptap/core';
import { describe, expect, test } from 'vitest';
import { sectionExtensions } from './extensions';
import { markdownOf } from './markdown';
import { cleanPastedHtml } from './paste';

/** The Markdown the editor writes for pasted HTML, and what the paste dropped. */
function pasted(html: string) {
  const cleaned = cleanPastedHtml(html);
  const editor = new Editor({ extensions: sectionExtensions(), content: cleaned.html });
  try {
    return { markdown: markdownOf(editor), dropped: cleaned.dropped };
  } finally {
    editor.destroy();
  }
}

describe('pasting from Word and web pages', () => {
  test("LibreOffice's HTML of a Word file (the browser journey's fixture)", () => {
    const html = readFileSync(join(import.meta.dirname, '../../../tests/browser/fixtures/word-fragment.html'), 'utf8');
    expect(pasted(html)).toEqual({
      markdown:
        '**Sikker datadeling**\n\n' +
        'Borgerne skal have **let** og *sikker* adgang til egne data på [sundhed.dk](https://www.sundhed.dk/).\n\n' +
        '- Første punkt\n- Andet punkt\n\n1. Et trin\n2. Næste trin',
      dropped: { images: 1 },
    });
  });

  test("Word's own clipboard HTML: list paragraphs become nested lists, styles and fonts fall away", () => {
    const html = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{font-family:Calibri}</style></head>
<body lang=DA><!--StartFragment-->
<h1><span style='font-family:"Calibri Light"'>Mål</span></h1>
<p class=MsoNormal><span style='font-size:14.0pt;color:red'>Borgerne skal have <b>fuld</b> adgang.</span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;</span></span><![endif]>Første</p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l0 level2 lfo1'><![if !supportLists]><span style='font-family:"Courier New";mso-list:Ignore'>o<span>&nbsp;&nbsp;</span></span><![endif]>Under <i>første</i></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span>&nbsp;</span></span><![endif]>Anden</p>
<p class=MsoNormal>Mellem listerne.</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><![if !supportLists]><span style='mso-list:Ignore'>1.<span>&nbsp;</span></span><![endif]>Et trin</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><![if !supportLists]><span style='mso-list:Ignore'>2.<span>&nbsp;</span></span><![endif]>Næste trin</p>
<p class=MsoNormal><img width=48 height=48 src="file:///C:/Users/x/AppData/Local/Temp/image001.png"></p>
<!--EndFragment--></body></html>`;
    expect(pasted(html)).toEqual({
      markdown:
        '**Mål**\n\nBorgerne skal have **fuld** adgang.\n\n- Første\n  - Under *første*\n- Anden\n\nMellem listerne.\n\n1. Et trin\n2. Næste trin',
      dropped: { images: 1 },
    });
  });

  test('links with other schemes than Udkast keeps lose their target, the text stays', () => {
    expect(pasted('<p>Se <a href="javascript:alert(1)">her</a> og <a href="https://x.dk">der</a>.</p>').markdown).toBe('Se her og [der](https://x.dk).');
  });
});
