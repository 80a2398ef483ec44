import { expect } from 'chai';
import {
  foldText,
  nameKey,
  parseTags,
  queryTokens,
  searchTokens,
  websiteHost,
} from '../../src/modules/partners/normalise.js';

const matches = (doc: string[], query: string): boolean => {
  const tokens = new Set(searchTokens(doc));
  const q = queryTokens(query);
  return q.length > 0 && q.every((t) => tokens.has(t));
};

describe('partner name normalisation', () => {
  it('folds width, case and Latin (incl. Vietnamese) accents but keeps Thai marks', () => {
    expect(foldText('ＣＨＯＮＧＱＩＮＧ　Ｔｏｕｒ')).to.equal('chongqing tour');
    expect(foldText('Hà Nội Đà Nẵng')).to.equal('ha noi da nang');
    expect(foldText('การท่องเที่ยว')).to.equal('การท่องเที่ยว');
  });

  it('gives one duplicate key to names that differ only in legal form, punctuation, width or case', () => {
    const key = nameKey('Thai Airways International');
    expect(nameKey('THAI AIRWAYS INTERNATIONAL Co., Ltd.')).to.equal(key);
    expect(nameKey('Thai-Airways  International PLC')).to.equal(key);
    expect(nameKey('Ｔｈａｉ Ａｉｒｗａｙｓ Ｉｎｔｅｒｎａｔｉｏｎａｌ')).to.equal(key);
    expect(nameKey('Singapore Tourism Pte. Ltd.')).to.equal(nameKey('singapore tourism'));
    expect(nameKey('PT Garuda Indonesia Tbk')).to.equal(nameKey('Garuda Indonesia'));
    expect(nameKey('Công ty TNHH Du lịch Sài Gòn')).to.equal(nameKey('Du Lich Sai Gon'));
  });

  it('strips Chinese and Thai company suffixes', () => {
    expect(nameKey('重庆旅游集团有限公司')).to.equal(nameKey('重庆旅游集团'));
    expect(nameKey('重庆旅游集团股份有限公司')).to.equal(nameKey('重庆 旅游集团'));
    expect(nameKey('บริษัท การบินไทย จำกัด (มหาชน)')).to.equal(nameKey('การบินไทย'));
  });

  it('keeps different organisations apart', () => {
    expect(nameKey('Thai Airways')).not.to.equal(nameKey('Thai AirAsia'));
    expect(nameKey('重庆旅游集团')).not.to.equal(nameKey('重庆文旅集团'));
    // A name made only of a legal form still has a key.
    expect(nameKey('Co., Ltd.')).to.equal('co');
  });

  it('reduces websites to their host without www', () => {
    expect(websiteHost('https://www.ThaiAirways.com/en/home')).to.equal('thaiairways.com');
    expect(websiteHost('thaiairways.com')).to.equal('thaiairways.com');
    expect(websiteHost('javascript:alert(1)')).to.equal(null);
    expect(websiteHost('')).to.equal(null);
  });
});

describe('partner search tokens', () => {
  const doc = ['Thai Airways International', 'การบินไทย', 'thaiairways.com', 'airline; Star Alliance'];

  it('matches Latin word prefixes in any order, case- and accent-insensitively', () => {
    expect(matches(doc, 'thai')).to.equal(true);
    expect(matches(doc, 'AIRW inter')).to.equal(true);
    expect(matches(doc, 'star')).to.equal(true);
    expect(matches(doc, 'airbus')).to.equal(false);
    expect(matches(['Hà Nội Tourism'], 'ha noi')).to.equal(true);
    expect(matches(['Ha Noi Tourism'], 'Hà Nội')).to.equal(true);
  });

  it('matches Chinese and Thai substrings', () => {
    const cn = ['重庆旅游集团', '重慶'];
    expect(matches(cn, '旅游')).to.equal(true);
    expect(matches(cn, '重庆旅游')).to.equal(true);
    expect(matches(cn, '游')).to.equal(true);
    expect(matches(cn, '北京')).to.equal(false);
    expect(matches(doc, 'การบิน')).to.equal(true);
    expect(matches(doc, 'บินไทย')).to.equal(true);
    expect(matches(doc, 'ญี่ปุ่น')).to.equal(false);
  });

  it('finds a single Chinese character', () => {
    expect(queryTokens('渝')).to.deep.equal(['渝']);
    expect(matches(['重庆渝中区'], '渝')).to.equal(true);
  });

  it('has nothing to match for punctuation-only queries', () => {
    expect(queryTokens('  ,.;!  ')).to.deep.equal([]);
  });
});

describe('tags', () => {
  it('splits on ; and , (incl. full-width), trims and drops case-insensitive repeats', () => {
    expect(parseTags(' cruise; Cruise ,  river  cruise，航空')).to.deep.equal([
      'cruise',
      'river cruise',
      '航空',
    ]);
    expect(parseTags('')).to.deep.equal([]);
  });
});
