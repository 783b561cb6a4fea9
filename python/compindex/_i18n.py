"""The labels of the unit report in English and Vietnamese, and numbers in each reader's convention.

Every label the report prints comes from :data:`LABELS` (one key, one English and one Vietnamese
text; ``{name}`` fields are filled by :func:`tr`). Level terms (index, sub-index, pillar,
sub-pillar, indicator) come from :data:`LEVELS`; docs/report.md explains the Vietnamese choices.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["LABELS", "LANGS", "LEVELS", "METHODS", "check_lang", "integer", "level_term", "method_name", "num", "tr"]

LANGS = ("en", "vi")

#: The level terms. Vietnamese: "chỉ số" for the index (as the PII itself is named), "nhóm chỉ số"
#: for a sub-index (the PII's own name_vi for its input and output sub-indices), "trụ cột" for a
#: pillar, "tiểu trụ cột" for a sub-pillar, and "chỉ tiêu" for an indicator (the statistical
#: indicator of Vietnamese statistics law), so that no two levels share a term.
LEVELS: dict[str, dict[str, str]] = {
    "index": {"en": "index", "vi": "chỉ số"},
    "sub-index": {"en": "sub-index", "vi": "nhóm chỉ số"},
    "pillar": {"en": "pillar", "vi": "trụ cột"},
    "sub-pillar": {"en": "sub-pillar", "vi": "tiểu trụ cột"},
    "indicator": {"en": "indicator", "vi": "chỉ tiêu"},
}

LABELS: dict[str, dict[str, str]] = {
    # banner and title
    "simulated_head": {"en": "SIMULATED DATA.", "vi": "DỮ LIỆU MÔ PHỎNG."},
    "simulated_body": {
        "en": ("Every indicator value was invented by tools/make_pii_demo.py. These are not PII results and must "
               "not be cited or presented as Vietnamese data."),
        "vi": ("Mọi giá trị chỉ tiêu đều do công cụ tools/make_pii_demo.py tạo ra. Đây không phải kết quả PII, "
               "không được trích dẫn hay trình bày như số liệu của Việt Nam."),
    },
    "simulated_short": {"en": "SIMULATED data", "vi": "dữ liệu MÔ PHỎNG"},
    "report_of": {"en": "Report of {unit}", "vi": "Báo cáo về {unit}"},
    # the opening sentence
    "sentence": {"en": "{unit} scores {score} on the {index}, rank {rank} nationally",
                 "vi": "{unit} đạt {score} điểm {index}, xếp hạng {rank} cả nước"},
    "sentence_group": {"en": " and {grank} in {group}", "vi": " và {grank} trong {group}"},
    "sentence_change": {"en": "; since {year}: {points} points (on the two years' common scale) and {ranks}",
                        "vi": "; so với năm {year}: {points} điểm (trên thang chung của hai năm) và {ranks}"},
    "ranks_up": {"en": "{n} ranks up", "vi": "tăng {n} bậc"},
    "ranks_down": {"en": "{n} ranks down", "vi": "giảm {n} bậc"},
    "rank_same": {"en": "the same rank", "vi": "giữ nguyên thứ hạng"},
    "no_rank": {"en": "{unit} has no score on the {index}, so no rank.", "vi": "{unit} không có điểm {index} nên không được xếp hạng."},
    # section headings
    "sec_summary": {"en": "Summary", "vi": "Tóm tắt"},
    "sec_ranking": {"en": "Ranking", "vi": "Bảng xếp hạng"},
    "sec_robustness": {"en": "How robust is the rank", "vi": "Độ vững của thứ hạng"},
    "sec_profile": {"en": "Profile", "vi": "Hồ sơ"},
    "sec_strengths": {"en": "Strengths and weaknesses", "vi": "Điểm mạnh và điểm yếu"},
    "sec_lift": {"en": "What would lift it", "vi": "Điều gì giúp nâng hạng"},
    "sec_change": {"en": "Change since last year", "vi": "Thay đổi so với năm trước"},
    "sec_charts": {"en": "More charts", "vi": "Biểu đồ khác"},
    "sec_coherence": {"en": "Statistical coherence", "vi": "Tính nhất quán thống kê"},
    "sec_method": {"en": "Method", "vi": "Phương pháp"},
    # sub-headings and captions
    "pillar_chart": {"en": "Scores by {level}: {unit}, the mean of {group} and the leader ({leader})",
                     "vi": "Điểm theo {level}: {unit}, trung bình {group} và đơn vị dẫn đầu ({leader})"},
    "pillar_chart_nat": {"en": "Scores by {level}: {unit}, the national mean and the leader ({leader})",
                         "vi": "Điểm theo {level}: {unit}, trung bình cả nước và đơn vị dẫn đầu ({leader})"},
    "national_top": {"en": "National ranking (top 10 and {unit})", "vi": "Xếp hạng cả nước (10 đơn vị đầu và {unit})"},
    "group_members": {"en": "{group} ({n} units), ranked within the group",
                      "vi": "{group} ({n} đơn vị), xếp hạng trong vùng"},
    "strengths": {"en": "Strengths (best ranks at any level)", "vi": "Điểm mạnh (thứ hạng tốt nhất ở mọi cấp)"},
    "weaknesses": {"en": "Weaknesses (worst ranks at any level)", "vi": "Điểm yếu (thứ hạng kém nhất ở mọi cấp)"},
    "placeholders_note": {
        "en": ("Left out of strengths, weaknesses and actions: {n} indicators marked as placeholders "
               "(not publicly documented, so nobody can act on them): {codes}."),
        "vi": ("Không đưa vào điểm mạnh, điểm yếu và hành động: {n} chỉ tiêu giữ chỗ (chưa được công bố, "
               "nên không ai có thể tác động): {codes}."),
    },
    "placeholder": {"en": "placeholder: not publicly documented", "vi": "giữ chỗ: chưa được công bố"},
    "weakest": {"en": "Weakest indicators by {by}", "vi": "Các chỉ tiêu yếu nhất theo {by}"},
    "weakest_plain": {"en": "Weakest indicators", "vi": "Các chỉ tiêu yếu nhất"},
    "rank_interval_chart": {"en": "Rank intervals (5th to 95th percentile) of {unit} and its neighbours",
                            "vi": "Khoảng thứ hạng (phân vị 5 đến 95) của {unit} và các đơn vị lân cận"},
    # robustness
    "robust_sentence": {"en": "Rank {rank}; between {lo} and {hi} in 90 % of the plausible alternatives.",
                        "vi": "Hạng {rank}; nằm trong khoảng từ {lo} đến {hi} ở 90 % các phương án hợp lý."},
    "robust_how": {
        "en": ("Uncertainty analysis: {n} replications (seed {seed}, {ok} successful), each re-scoring every unit "
               "with {factors}. The interval is the 5th to the 95th percentile of the unit's rank."),
        "vi": ("Phân tích bất định: {n} lần mô phỏng (hạt giống {seed}, {ok} lần thành công), mỗi lần tính lại điểm "
               "mọi đơn vị với {factors}. Khoảng là từ phân vị thứ 5 đến thứ 95 của thứ hạng."),
    },
    "factor_weights": {"en": "every weight varied within ±{pct} % of its value",
                       "vi": "mọi trọng số thay đổi trong khoảng ±{pct} % giá trị"},
    "factor_norm": {"en": "the normalization chosen among {alts}", "vi": "phương pháp chuẩn hóa chọn trong {alts}"},
    "factor_agg": {"en": "the aggregation chosen among {alts}", "vi": "phương pháp tổng hợp chọn trong {alts}"},
    "robust_unranked": {"en": "Not computed: {unit} has no rank.", "vi": "Không tính: {unit} không được xếp hạng."},
    "robust_off": {"en": "Not computed (robustness=False).", "vi": "Không tính (robustness=False)."},
    "robust_failed": {"en": "The uncertainty analysis could not be run: {why}", "vi": "Không chạy được phân tích bất định: {why}"},
    "robust_stable": {"en": "The rank is stable: it does not move in 90 % of the alternatives.",
                      "vi": "Thứ hạng ổn định: không thay đổi ở 90 % các phương án."},
    "legend_interval": {"en": "5th-95th percentile", "vi": "phân vị 5-95"},
    "legend_median": {"en": "median", "vi": "trung vị"},
    "legend_nominal": {"en": "rank in this report", "vi": "thứ hạng trong báo cáo"},
    # lift
    "lift_intro": {
        "en": ("For each indicator alone, the smallest change of its value that reaches the target rank, found by "
               "re-scoring the whole index with the other indicators and units unchanged. A change may go at most "
               "to the best value observed among the units."),
        "vi": ("Với từng chỉ tiêu riêng lẻ, mức thay đổi nhỏ nhất của giá trị để đạt thứ hạng mục tiêu, tính bằng cách "
               "tính lại toàn bộ chỉ số, giữ nguyên các chỉ tiêu và đơn vị khác. Mức thay đổi tối đa là đến giá trị tốt "
               "nhất quan sát được trong các đơn vị."),
    },
    "lift_grouped": {"en": "Grouped by the lead agency responsible.", "vi": "Nhóm theo cơ quan chủ trì."},
    "lift_target": {"en": "To rank {target}", "vi": "Lên hạng {target}"},
    "lift_none": {
        "en": "No single indicator can lift {unit} to rank {target}, even at the best value observed among the units.",
        "vi": "Không chỉ tiêu riêng lẻ nào đưa được {unit} lên hạng {target}, kể cả khi đạt giá trị tốt nhất quan sát được.",
    },
    "lift_first": {"en": "{unit} is ranked first: no rank above to reach.",
                   "vi": "{unit} đứng đầu: không còn thứ hạng cao hơn."},
    "lift_count": {"en": "{n} indicators can lift it alone.", "vi": "{n} chỉ tiêu có thể tự nâng hạng."},
    "no_agency": {"en": "(no lead agency named)", "vi": "(chưa có cơ quan chủ trì)"},
    # change
    "change_intro": {"en": "Scores of {y0} and {y1} on one pooled scale; ranks within each year.",
                     "vi": "Điểm năm {y0} và {y1} trên cùng một thang gộp; thứ hạng trong từng năm."},
    # column headers
    "col_code": {"en": "code", "vi": "mã"},
    "col_unit": {"en": "unit", "vi": "đơn vị"},
    "col_name": {"en": "name", "vi": "tên"},
    "col_level": {"en": "level", "vi": "cấp"},
    "col_score": {"en": "score", "vi": "điểm"},
    "col_rank": {"en": "rank", "vi": "hạng"},
    "col_group_rank": {"en": "rank in {group}", "vi": "hạng trong {group}"},
    "col_group_mean": {"en": "mean of {group}", "vi": "trung bình {group}"},
    "col_national_mean": {"en": "national mean", "vi": "trung bình cả nước"},
    "col_leader": {"en": "leader", "vi": "dẫn đầu"},
    "col_gap": {"en": "gap to the leader", "vi": "khoảng cách tới đơn vị dẫn đầu"},
    "col_value": {"en": "value", "vi": "giá trị"},
    "col_needed": {"en": "value needed", "vi": "giá trị cần đạt"},
    "col_change": {"en": "change", "vi": "thay đổi"},
    "col_share": {"en": "share of the observed range", "vi": "tỷ lệ so với khoảng quan sát"},
    "col_best": {"en": "best observed", "vi": "tốt nhất quan sát được"},
    "col_agency": {"en": "lead agency", "vi": "cơ quan chủ trì"},
    "col_p05": {"en": "5th percentile", "vi": "phân vị 5"},
    "col_p95": {"en": "95th percentile", "vi": "phân vị 95"},
    "col_median": {"en": "median rank", "vi": "hạng trung vị"},
    "col_year": {"en": "year", "vi": "năm"},
    "col_note": {"en": "note", "vi": "ghi chú"},
    "col_alpha": {"en": "Cronbach's alpha", "vi": "hệ số Cronbach alpha"},
    "col_children": {"en": "components", "vi": "thành phần"},
    "col_corr": {"en": "correlation with the parent", "vi": "tương quan với cấp trên"},
    "mean_short": {"en": "mean", "vi": "trung bình"},
    # coherence
    "alpha_head": {"en": "Cronbach's alpha of each aggregate's components",
                   "vi": "Hệ số Cronbach alpha của các thành phần mỗi cấp tổng hợp"},
    "corr_head": {"en": "Nodes flagged by their correlation with the parent: {k} of {n}",
                  "vi": "Các nút bị đánh dấu do tương quan với cấp trên: {k} trên {n}"},
    "flag_negative": {"en": "negative", "vi": "tương quan âm"},
    "flag_weak": {"en": "weak (below {x})", "vi": "yếu (dưới {x})"},
    "flag_higher": {"en": "higher with {node} than with the parent", "vi": "cao hơn với {node} so với cấp trên"},
    "flag_undefined": {"en": "undefined", "vi": "không xác định"},
    "none": {"en": "None.", "vi": "Không có."},
    # method
    "m_data": {"en": "Data: {n} units and {k} indicators ({levels}).",
               "vi": "Dữ liệu: {n} đơn vị và {k} chỉ tiêu ({levels})."},
    "m_norm": {"en": "Normalization: {method}, to the range {lo} to {hi} (higher is better; inverse indicators are reversed: {inv}).",
               "vi": "Chuẩn hóa: {method}, về thang từ {lo} đến {hi} (cao hơn là tốt hơn; chỉ tiêu nghịch được đảo chiều: {inv})."},
    "m_agg": {"en": "Aggregation at each level: {items}.", "vi": "Tổng hợp ở từng cấp: {items}."},
    "m_treat": {"en": "Treatment of outliers: {method}. Winsorized: {wins}. Log-transformed: {logs}.",
                "vi": "Xử lý giá trị ngoại lai: {method}. Cắt ngưỡng (winsorize): {wins}. Biến đổi logarit: {logs}."},
    "m_treat_none": {"en": "Treatment of outliers: none.", "vi": "Xử lý giá trị ngoại lai: không."},
    "m_imp": {"en": "Imputation: {method}; {k} of {n} cells imputed ({units} units).",
              "vi": "Ước lượng giá trị thiếu: {method}; {k} trên {n} ô được ước lượng ({units} đơn vị)."},
    "m_weights": {"en": "Weights: {which}.", "vi": "Trọng số: {which}."},
    "m_weights_nominal": {"en": "the framework's nominal weights ({desc})", "vi": "trọng số danh nghĩa của khung ({desc})"},
    "m_weights_named": {"en": "the named set {name!r}", "vi": "bộ trọng số có tên {name!r}"},
    "m_weights_equal": {"en": "all equal within each parent", "vi": "bằng nhau trong mỗi nhóm"},
    "m_weights_unequal": {"en": "not all equal", "vi": "không bằng nhau"},
    "m_ranks": {"en": "Ranks: 1 = best; tied units share the better rank; a rank is written rank/number of units ranked.",
                "vi": "Thứ hạng: 1 = tốt nhất; các đơn vị bằng điểm cùng hạng cao hơn; thứ hạng viết là hạng/số đơn vị được xếp."},
    "m_lift": {"en": ("What would lift it: bisection on one raw value between the current and the best observed value, "
                      "each step re-scoring the whole index (normalization bounds move when the unit becomes the best)."),
               "vi": ("Điều gì giúp nâng hạng: chia đôi trên một giá trị gốc giữa giá trị hiện tại và giá trị tốt nhất quan "
                      "sát được, mỗi bước tính lại toàn bộ chỉ số (biên chuẩn hóa thay đổi khi đơn vị trở thành tốt nhất).")},
    "m_change": {"en": "Change since last year: all unit-years pooled, scored once and split, so scores share one scale.",
                 "vi": "Thay đổi so với năm trước: gộp mọi đơn vị-năm, tính điểm một lần rồi tách ra, nên điểm cùng một thang."},
    "m_none": {"en": "none", "vi": "không có"},
    "m_no": {"en": "none", "vi": "không"},
    "foot": {"en": "compindex {version}, generated {when}.", "vi": "compindex {version}, tạo lúc {when}."},
    "more_charts_note": {"en": "Charts drawn by compindex.plots (labels in English).",
                         "vi": "Biểu đồ do compindex.plots vẽ (nhãn bằng tiếng Anh)."},
    "chart_ranking": {"en": "Ranking", "vi": "Bảng xếp hạng"},
    "chart_heatmap": {"en": "Indicator ranks", "vi": "Thứ hạng các chỉ tiêu"},
    "chart_corr": {"en": "Correlations between aggregates", "vi": "Tương quan giữa các cấp tổng hợp"},
    "written": {"en": "Report written to {path}.", "vi": "Đã ghi báo cáo vào {path}."},
}

#: Method names as a reader sees them.
METHODS: dict[str, dict[str, str]] = {
    "min_max": {"en": "min-max", "vi": "min-max"},
    "z_score": {"en": "z-score", "vi": "điểm chuẩn z"},
    "percentile_rank": {"en": "percentile rank", "vi": "thứ hạng phần trăm"},
    "rank": {"en": "rank", "vi": "thứ hạng"},
    "arithmetic_mean": {"en": "arithmetic mean", "vi": "trung bình cộng"},
    "geometric_mean": {"en": "geometric mean", "vi": "trung bình nhân"},
    "harmonic_mean": {"en": "harmonic mean", "vi": "trung bình điều hòa"},
    "gii": {"en": "GII rule (winsorize up to 5 values, else log-transform, when |skewness| > 2.25 and kurtosis > 3.5)",
            "vi": "quy tắc GII (cắt tối đa 5 giá trị, nếu không thì biến đổi logarit, khi |độ lệch| > 2,25 và độ nhọn > 3,5)"},
    "none": {"en": "none", "vi": "không"},
    "mean": {"en": "the mean of the other units", "vi": "trung bình các đơn vị khác"},
}


def check_lang(lang: str) -> str:
    """``lang`` checked: ``"en"`` or ``"vi"`` (any case), else a SpecError."""
    from .errors import SpecError

    code = str(lang).strip().lower()
    if code not in LANGS:
        raise SpecError(f"unknown report language {lang!r} (languages: {', '.join(LANGS)})")
    return code


def tr(key: str, lang: str, **fields: Any) -> str:
    """The label ``key`` in ``lang``, its ``{fields}`` filled."""
    text = LABELS[key][lang]
    return text.format(**fields) if fields else text


def method_name(name: str, lang: str) -> str:
    """A method's name as a reader sees it (``min_max`` -> ``min-max``)."""
    return METHODS.get(name, {}).get(lang, name.replace("_", " "))


def level_term(name: str, lang: str) -> str:
    """A level name (``pillar``) in ``lang``; unknown names are kept as they are."""
    key = str(name).strip().lower()
    return LEVELS[key][lang] if key in LEVELS else str(name)


def num(x: Any, lang: str, digits: int = 2, *, sign: bool = False) -> str:
    """A number in the reader's convention: ``1,234.57`` in English, ``1.234,57`` in Vietnamese;
    ``n/a`` (``không có``) for a missing value."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "n/a" if lang == "en" else "không có"
    v = float(x)
    text = f"{v:+,.{digits}f}" if sign else f"{v:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def integer(x: Any, lang: str) -> str:
    """A whole number (a rank, a count) in the reader's convention."""
    return num(x, lang, 0)
