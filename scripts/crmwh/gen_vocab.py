"""Vocabulary of the generator: canonical category values, the synonyms it emits, and locale data.

``SYNONYMS`` is the one place that lists every non-canonical spelling the generator writes into a
category column (dirty kind ``foreign_category_name``): ``SYNONYMS[domain][canonical][language]``
is a list of strings, language one of ``vi``, ``fa``, ``zh``, ``ru`` (translations) or ``en``
(other case, spacing or separators of the English name). Staging lookup seeds can be checked
against it: every synonym must map to its canonical value, and no value in ``UNKNOWN_VALUES``
(dirty kind ``unknown_category``) may be mapped at all.

``CATEGORY_COLUMNS`` says which raw column carries which domain; ``BEFORE_CUSTOMER_CREATED_COLUMNS``
lists the event columns the generator keeps after the customer's ``created_at`` on every clean row.
"""

from __future__ import annotations

import unicodedata

from crmwh.contract import TABLES_BY_NAME

LANGUAGES = ("vi", "fa", "zh", "ru")

# --- Canonical values per category domain -------------------------------------------------
CANONICAL: dict[str, tuple[str, ...]] = {
    "lead_status": ("new", "contacted", "qualified", "unqualified", "converted"),
    "opportunity_stage": ("lead", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"),
    "order_status": ("placed", "paid", "shipped", "completed", "cancelled", "refunded"),
    "subscription_status": ("active", "cancelled", "expired", "renewed"),
    "ticket_priority": ("low", "normal", "high", "urgent"),
    "ticket_status": ("open", "pending", "solved", "closed"),
    "ticket_category": ("billing", "technical", "shipping", "account", "product_question", "complaint"),
    "ticket_channel": ("email", "phone", "chat", "web_form", "social"),
    "customer_type": tuple(TABLES_BY_NAME["customers"].columns[1].allowed),
    "customer_segment": ("consumer", "smb", "mid_market", "enterprise"),
    "gender": ("female", "male", "other"),
    "rep_region": ("americas", "emea", "apac"),
    "rep_status": ("active", "inactive"),
    "campaign_channel": ("paid_search", "social", "email", "display", "events", "referral", "organic"),
    "campaign_objective": ("awareness", "acquisition", "retention", "upsell"),
    "lead_source": ("web", "referral", "event", "cold_call", "partner", "social", "email"),
    "order_channel": ("web", "mobile_app", "phone", "store", "partner"),
    "subscription_plan": ("basic", "pro", "enterprise"),
    "survey_type": ("nps", "csat", "ces"),
    "survey_channel": ("email", "in_app", "web", "phone"),
    "session_source": (
        "google",
        "bing",
        "facebook",
        "instagram",
        "linkedin",
        "newsletter",
        "direct",
        "partner_site",
        "programmatic",
        "event_qr",
    ),
    "session_medium": ("cpc", "organic", "social", "email", "referral", "none"),
    "device": ("desktop", "mobile", "tablet"),
    "email_event_type": ("sent", "delivered", "open", "click", "unsubscribe", "bounce"),
    "activity_type": ("call", "email", "meeting", "visit", "note"),
    "login_client": ("web", "mobile", "desktop"),
    "pool_event_type": ("released", "claimed", "reclaimed", "frozen", "restored"),
    "pool_event_reason": (
        "no_follow_up_in_time",
        "manual_release",
        "claimed_from_pool",
        "owner_reclaimed",
        "invalid_contact_data",
        "do_not_contact",
        "data_corrected",
    ),
    "loyalty_txn_type": ("earn", "redeem", "expire", "adjust"),
    "lost_reason": ("price", "competitor", "no_budget", "no_decision", "timing", "product_fit"),
    "cancel_reason": ("price", "switched_competitor", "not_using", "poor_support", "budget_cuts", "missing_features"),
    "acquisition_channel": (
        "web",
        "referral",
        "event",
        "cold_call",
        "partner",
        "social",
        "email",
        "paid_search",
        "organic_search",
        "direct",
    ),
    "industry": (
        "retail",
        "manufacturing",
        "software",
        "finance",
        "healthcare",
        "education",
        "logistics",
        "hospitality",
        "energy",
        "media",
    ),
    "product_category": ("software", "hardware", "accessories", "services", "training", "subscription"),
}

# --- Synonyms: translations and spellings (dirty kind foreign_category_name) ---------------
_TRANSLATIONS: dict[str, dict[str, dict[str, list[str]]]] = {
    "lead_status": {
        "new": {"vi": ["Mới"], "fa": ["جدید"], "zh": ["新建"], "ru": ["Новый"]},
        "contacted": {"vi": ["Đã liên hệ"], "fa": ["تماس گرفته شد"], "zh": ["已联系"], "ru": ["Связались"]},
        "qualified": {"vi": ["Đủ điều kiện"], "fa": ["واجد شرایط"], "zh": ["合格"], "ru": ["Квалифицирован"]},
        "unqualified": {
            "vi": ["Không đủ điều kiện"],
            "fa": ["فاقد شرایط"],
            "zh": ["不合格"],
            "ru": ["Неквалифицирован"],
        },
        "converted": {"vi": ["Đã chuyển đổi"], "fa": ["تبدیل شده"], "zh": ["已转化"], "ru": ["Конвертирован"]},
    },
    "opportunity_stage": {
        "lead": {"vi": ["Tiềm năng"], "fa": ["سرنخ"], "zh": ["线索"], "ru": ["Лид"]},
        "qualified": {"vi": ["Đã xác nhận"], "fa": ["واجد شرایط"], "zh": ["已确认"], "ru": ["Квалифицирована"]},
        "proposal": {"vi": ["Đề xuất"], "fa": ["پیشنهاد"], "zh": ["方案报价"], "ru": ["Предложение"]},
        "negotiation": {"vi": ["Đàm phán"], "fa": ["مذاکره"], "zh": ["谈判"], "ru": ["Переговоры"]},
        "closed_won": {"vi": ["Thắng", "Đã chốt"], "fa": ["برنده شد"], "zh": ["赢单"], "ru": ["Успешно закрыта"]},
        "closed_lost": {"vi": ["Thua"], "fa": ["از دست رفت"], "zh": ["输单"], "ru": ["Проиграна"]},
    },
    "order_status": {
        "placed": {"vi": ["Đã đặt"], "fa": ["ثبت شده"], "zh": ["已下单"], "ru": ["Оформлен"]},
        "paid": {"vi": ["Đã thanh toán"], "fa": ["پرداخت شده"], "zh": ["已付款"], "ru": ["Оплачен"]},
        "shipped": {"vi": ["Đang giao"], "fa": ["ارسال شده"], "zh": ["已发货"], "ru": ["Отправлен"]},
        "completed": {"vi": ["Hoàn thành"], "fa": ["تکمیل شده"], "zh": ["已完成"], "ru": ["Выполнен"]},
        "cancelled": {"vi": ["Đã hủy"], "fa": ["لغو شده"], "zh": ["已取消"], "ru": ["Отменён"]},
        "refunded": {"vi": ["Đã hoàn tiền"], "fa": ["بازپرداخت شده"], "zh": ["已退款"], "ru": ["Возвращён"]},
    },
    "subscription_status": {
        "active": {"vi": ["Đang hoạt động"], "fa": ["فعال"], "zh": ["有效"], "ru": ["Активна"]},
        "cancelled": {"vi": ["Đã hủy"], "fa": ["لغو شده"], "zh": ["已取消"], "ru": ["Отменена"]},
        "expired": {"vi": ["Hết hạn"], "fa": ["منقضی شده"], "zh": ["已过期"], "ru": ["Истекла"]},
        "renewed": {"vi": ["Đã gia hạn"], "fa": ["تمدید شده"], "zh": ["已续订"], "ru": ["Продлена"]},
    },
    "ticket_priority": {
        "low": {"vi": ["Thấp"], "fa": ["کم"], "zh": ["低"], "ru": ["Низкий"]},
        "normal": {"vi": ["Bình thường"], "fa": ["عادی"], "zh": ["普通"], "ru": ["Обычный"]},
        "high": {"vi": ["Cao"], "fa": ["زیاد"], "zh": ["高"], "ru": ["Высокий"]},
        "urgent": {"vi": ["Khẩn cấp"], "fa": ["فوری"], "zh": ["紧急"], "ru": ["Срочный"]},
    },
}


def _english_variants(canonical: str) -> list[str]:
    """Other case, spacing and separators of a canonical snake_case value, e.g. 'Closed Won'."""
    words = canonical.split("_")
    variants = [
        " ".join(w.capitalize() for w in words),  # Closed Won
        canonical.upper(),  # CLOSED_WON
        f" {canonical.upper()} ",  # ' CLOSED_WON '
        f" {canonical} ",  # ' closed_won '
    ]
    if len(words) > 1:
        variants += ["-".join(words), "-".join(w.capitalize() for w in words)]  # closed-won, Closed-Won
    return variants


SYNONYMS: dict[str, dict[str, dict[str, list[str]]]] = {
    domain: {
        canonical: {**_TRANSLATIONS[domain][canonical], "en": _english_variants(canonical)}
        for canonical in CANONICAL[domain]
    }
    for domain in _TRANSLATIONS
}

# Values no lookup lists (dirty kind unknown_category), per domain.
UNKNOWN_VALUES: dict[str, tuple[str, ...]] = {
    "lead_status": ("nurturing", "recycled", "spam_suspected"),
    "opportunity_stage": ("on_hold", "stalled", "pending_legal"),
    "order_status": ("backordered", "on_hold", "lost_in_transit"),
    "subscription_status": ("paused", "suspended", "trial_pending"),
    "ticket_priority": ("critical", "p0", "whenever"),
    "customer_segment": ("vip", "government", "startup_program"),
    "rep_region": ("latam", "mena", "oceania"),
    "campaign_objective": ("brand_love", "engagement", "reactivation"),
    "survey_type": ("ces_v2", "pmf", "star_rating"),
    "device": ("smart_tv", "console", "watch"),
    "email_event_type": ("forwarded", "spam_report", "deferred"),
    "activity_type": ("lunch", "webinar", "sms"),
    "login_client": ("api", "tablet_app", "kiosk"),
    "pool_event_type": ("archived", "merged", "escalated"),
    "loyalty_txn_type": ("transfer", "bonus_x2", "gift"),
}

# Which raw column holds which domain. The first group may carry synonyms (foreign_category_name),
# every listed column may carry an unknown value (unknown_category) and must be checked by staging.
FOREIGN_NAME_COLUMNS: dict[tuple[str, str], str] = {
    ("leads", "status"): "lead_status",
    ("opportunities", "stage"): "opportunity_stage",
    ("opportunity_stage_history", "stage"): "opportunity_stage",
    ("orders", "status"): "order_status",
    ("subscriptions", "status"): "subscription_status",
    ("support_tickets", "priority"): "ticket_priority",
}
UNKNOWN_CATEGORY_COLUMNS: dict[tuple[str, str], str] = {
    **FOREIGN_NAME_COLUMNS,
    ("customers", "segment"): "customer_segment",
    ("sales_reps", "region"): "rep_region",
    ("campaigns", "objective"): "campaign_objective",
    ("survey_responses", "survey_type"): "survey_type",
    ("web_sessions", "device"): "device",
    ("email_events", "event_type"): "email_event_type",
    ("activities", "activity_type"): "activity_type",
    ("crm_logins", "client"): "login_client",
    ("lead_pool_events", "event_type"): "pool_event_type",
    ("loyalty_points", "txn_type"): "loyalty_txn_type",
}
CATEGORY_COLUMNS = UNKNOWN_CATEGORY_COLUMNS

# Event columns that are never before the customer's created_at on a clean row (and that the
# before_customer_created dirty kind moves before it). Dates are compared by day: a clean
# contract_start_date is at least one day after the customer's creation day.
BEFORE_CUSTOMER_CREATED_COLUMNS: dict[str, str] = {
    "orders": "ordered_at",
    "support_tickets": "created_at",
    "survey_responses": "responded_at",
    "subscriptions": "contract_start_date",
}

# Allowed score ranges of survey answers; CES is written on the scale in ces_scale.
SCORE_RANGES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
CES_SCALE = "1-7"

# Alternative date formats written by dirty kind other_date_format (Python strftime patterns).
# Each represents the true UTC instant; offsets are applied to the local time written.
OTHER_TIMESTAMP_FORMATS = (
    "%d.%m.%Y %H:%M",  # only used when the true second is 0, so no precision is lost
    "%d.%m.%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "iso_offset",  # 2025-03-05T17:11:12+07:00
)
OTHER_DATE_FORMATS = ("%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d")
UTC_OFFSETS_MINUTES = (420, 480, 180, 210, -300, 330)  # +07:00 +08:00 +03:00 +03:30 -05:00 +05:30

# No value here may be one that CSV loaders read as NULL ("", "null", "none", "na", "n/a", ".").
UNPARSEABLE_DATES = ("yesterday", "unknown", "TBD", "00/00/0000", "not set", "#VALUE!", "2024-0X-12", "soon")
NON_NUMERIC_AMOUNTS = ("12,5O", "abc", "1.234,56", "twelve", "12.3.4", "--", "$ 40")
NON_NUMERIC_INTEGERS = ("ten", "1O0", "5 pts", "many", "++")
UNKNOWN_CURRENCIES = ("XXX", "US$", "EURO", "ABC", "ZZZ")

# --- Locales --------------------------------------------------------------------------------
# country -> (Faker locale, currency, sales region, typical UTC offset in minutes, phone country code)
COUNTRIES: dict[str, tuple[str, str, str, int, str]] = {
    "US": ("en_US", "USD", "americas", -300, "1"),
    "GB": ("en_GB", "GBP", "emea", 0, "44"),
    "VN": ("vi_VN", "VND", "apac", 420, "84"),
    "IR": ("fa_IR", "IRR", "emea", 210, "98"),
    "CN": ("zh_CN", "CNY", "apac", 480, "86"),
    "RU": ("ru_RU", "RUB", "emea", 180, "7"),
}
COUNTRY_CODES = tuple(COUNTRIES)
COUNTRY_WEIGHTS = (0.28, 0.10, 0.16, 0.13, 0.18, 0.15)
LANGUAGE_OF_COUNTRY = {"US": "en", "GB": "en", "VN": "vi", "IR": "fa", "CN": "zh", "RU": "ru"}

# Real cities in the country's own language and script, largest first (sampled with Zipf weights).
CITIES: dict[str, tuple[str, ...]] = {
    "US": (
        "New York",
        "Los Angeles",
        "Chicago",
        "Houston",
        "Phoenix",
        "Philadelphia",
        "San Antonio",
        "San Diego",
        "Dallas",
        "Austin",
        "Seattle",
        "Denver",
        "Boston",
        "Atlanta",
        "Miami",
        "Portland",
        "Minneapolis",
        "Detroit",
        "Nashville",
        "Columbus",
    ),
    "GB": (
        "London",
        "Birmingham",
        "Manchester",
        "Glasgow",
        "Leeds",
        "Liverpool",
        "Bristol",
        "Sheffield",
        "Edinburgh",
        "Cardiff",
        "Belfast",
        "Newcastle upon Tyne",
        "Nottingham",
        "Leicester",
        "Brighton",
    ),
    "VN": (
        "Thành phố Hồ Chí Minh",
        "Hà Nội",
        "Hải Phòng",
        "Đà Nẵng",
        "Cần Thơ",
        "Biên Hòa",
        "Nha Trang",
        "Huế",
        "Buôn Ma Thuột",
        "Vũng Tàu",
        "Quy Nhơn",
        "Thủ Dầu Một",
        "Hạ Long",
        "Đà Lạt",
        "Vinh",
    ),
    "IR": (
        "تهران",
        "مشهد",
        "اصفهان",
        "کرج",
        "شیراز",
        "تبریز",
        "قم",
        "اهواز",
        "کرمانشاه",
        "ارومیه",
        "رشت",
        "زاهدان",
        "همدان",
        "کرمان",
        "یزد",
        "اردبیل",
        "بندرعباس",
        "اراک",
        "آمل",
        "آبادان",
    ),
    "CN": (
        "上海",
        "北京",
        "深圳",
        "广州",
        "成都",
        "重庆",
        "天津",
        "武汉",
        "杭州",
        "西安",
        "南京",
        "苏州",
        "郑州",
        "长沙",
        "青岛",
        "沈阳",
        "大连",
        "厦门",
        "昆明",
        "哈尔滨",
    ),
    "RU": (
        "Москва",
        "Санкт-Петербург",
        "Новосибирск",
        "Екатеринбург",
        "Казань",
        "Нижний Новгород",
        "Челябинск",
        "Самара",
        "Омск",
        "Ростов-на-Дону",
        "Уфа",
        "Красноярск",
        "Пермь",
        "Воронеж",
        "Волгоград",
        "Краснодар",
        "Йошкар-Ола",
        "Орёл",
        "Тюмень",
        "Ижевск",
    ),
}

# Vietnamese middle names by gender (Faker has first and family names only).
VI_MIDDLE_NAMES = {
    "male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Quốc"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương"),
}

EMAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "US": ("gmail.com", "yahoo.com", "outlook.com", "icloud.com"),
    "GB": ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com"),
    "VN": ("gmail.com", "yahoo.com.vn", "outlook.com"),
    "IR": ("gmail.com", "yahoo.com", "chmail.ir"),
    "CN": ("qq.com", "163.com", "126.com", "gmail.com"),
    "RU": ("mail.ru", "yandex.ru", "gmail.com", "rambler.ru"),
}

# Survey comments by language and sentiment (0 detractor, 1 passive, 2 promoter).
COMMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Took far too long to get an answer.", "Support was slow, and nobody followed up.", "Not happy at all"),
        ("It was okay.", "Fine, but the invoice was confusing.", "Average experience"),
        ('Great service, thanks "Anna"!', "Fast, friendly, and helpful.", "Love the product"),
    ),
    "vi": (
        ("Phản hồi quá chậm.", "Không hài lòng với dịch vụ.", "Chờ quá lâu, rất thất vọng"),
        ("Tạm được.", "Bình thường", "Ổn, nhưng giao hàng hơi chậm"),
        ("Dịch vụ tuyệt vời!", "Nhân viên nhiệt tình, cảm ơn.", "Rất hài lòng"),
    ),
    "fa": (
        ("پاسخگویی خیلی کند بود.", "اصلا راضی نیستم", "مشکل من حل نشد"),
        ("معمولی بود.", "بد نبود", "قابل قبول"),
        ("خدمات عالی بود!", "خیلی ممنون از پشتیبانی", "کاملا راضی هستم"),
    ),
    "zh": (
        ("回复太慢了。", "非常不满意", "问题一直没有解决"),
        ("还可以。", "一般", "服务一般，价格偏高"),  # noqa: RUF001 - Chinese punctuation
        ("服务很好！", "客服很耐心，谢谢", "非常满意"),  # noqa: RUF001 - Chinese punctuation
    ),
    "ru": (
        ("Слишком долго ждал ответа.", "Очень недоволен", "Проблему так и не решили"),
        ("Нормально.", "Средне", "В целом неплохо, но дорого"),  # noqa: RUF001 - Cyrillic text
        ("Отличный сервис!", "Спасибо, всё быстро", "Очень доволен"),
    ),
}


def nfd_differs(text: str) -> bool:
    """True when the NFD form of ``text`` differs from its NFC form (so NFD injection is visible)."""
    return unicodedata.normalize("NFD", text) != unicodedata.normalize("NFC", text)


def synonym_lookup() -> dict[str, dict[str, str]]:
    """Flattened ``{domain: {synonym: canonical}}``, including the canonical values themselves."""
    out: dict[str, dict[str, str]] = {}
    for domain, values in SYNONYMS.items():
        flat = {c: c for c in CANONICAL[domain]}
        for canonical, by_lang in values.items():
            for words in by_lang.values():
                for word in words:
                    flat[word] = canonical
        out[domain] = flat
    return out
