/**
 * Reference data for generated demo persons: region codes of domain.md §2,
 * common surnames and given-name characters, and prevalences of the order of
 * real ones. All persons generated from them are fictitious.
 */

/** Counties (GB/T 2260) of the regions the demo knows, keyed by city or province code. */
export const COUNTIES: Record<string, readonly string[]> = {
  '620700': ['620702', '620721', '620722', '620723', '620724', '620725'],
  '330400': ['330402', '330411', '330421', '330424', '330481', '330482', '330483'],
  '140100': ['140105', '140106', '140107', '140108', '140109', '140110', '140121', '140122', '140123', '140181'],
};

/** The counties a region code stands for: its own list, its cities' counties, or itself. */
export function countiesOf(regionCode: string): readonly string[] {
  if (COUNTIES[regionCode]) return COUNTIES[regionCode];
  if (regionCode.endsWith('0000')) {
    const province = regionCode.slice(0, 2);
    const counties = Object.entries(COUNTIES)
      .filter(([city]) => city.startsWith(province))
      .flatMap(([, list]) => list);
    if (counties.length > 0) return counties;
  }
  return [regionCode];
}

/**
 * Whether the demo knows a 6-digit region code: one of its cities, one of
 * their counties, or a province holding one of them (620000). Other codes
 * would be seeded with a county list of one made-up county.
 */
export function isKnownRegion(regionCode: string): boolean {
  return Object.entries(COUNTIES).some(
    ([city, counties]) =>
      city === regionCode || counties.includes(regionCode) || (regionCode.endsWith('0000') && city.startsWith(regionCode.slice(0, 2))),
  );
}

export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '袁',
  '潘',
  '于',
  '蒋',
  '蔡',
  '欧阳',
  '司马',
  '诸葛',
] as const;

export const GIVEN_CHARACTERS = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀',
  '霞',
  '平',
  '刚',
  '桂',
  '英',
  '华',
  '玉',
  '萍',
  '红',
  '兰',
  '建',
  '国',
  '文',
  '辉',
  '鹏',
  '婷',
  '雪',
  '梅',
  '琳',
  '鑫',
  '宇',
  '浩',
] as const;

/**
 * Prevalence per household of each certification, of the order of the real
 * ones (a few percent 低保, under 1 % 特困); the rural ones apply to rural
 * households only.
 */
export const HOUSEHOLD_PREVALENCE = {
  MINIMUM_LIVING: 0.045,
  EXTREME_POVERTY: 0.006,
  LOW_INCOME_MARGINAL: 0.02,
  ILLNESS_POVERTY: 0.004,
  OTHER_SPECIAL: 0.001,
} as const;

export const RURAL_HOUSEHOLD_PREVALENCE = {
  LIFTED_OUT_OF_POVERTY: 0.08,
  AT_RISK_MONITORED: 0.012,
  RETURNED_TO_POVERTY: 0.003,
} as const;

/** Per child, not per household. */
export const CHILD_PREVALENCE = { ORPHAN: 0.0008, DISTRESSED_CHILD: 0.0015 } as const;

/** The resident insurance's personal contribution per year (domain.md §4). */
export function personalContribution(year: number): string {
  if (year <= 2022) return '350.00';
  if (year === 2023) return '380.00';
  return '400.00';
}

/** Common diagnoses (ICD-10) by visit type, with a weight of the cost. */
export const INPATIENT_DIAGNOSES = ['I63.9', 'J18.9', 'I25.1', 'C34.9', 'K80.2', 'N18.5', 'E11.9', 'S72.0', 'C16.9', 'I50.9'] as const;
export const CHRONIC_DIAGNOSES = ['I10', 'E11.9', 'N18.5', 'F20.9', 'J44.9'] as const;
export const SPECIAL_DRUG_DIAGNOSES = ['C50.9', 'C34.9', 'C92.0'] as const;
/** Childhood diagnoses of jiaxing-2023's special rule (congenital heart disease, leukaemia). */
export const CHILD_SPECIAL_DIAGNOSES = ['Q21.0', 'C91.0'] as const;
