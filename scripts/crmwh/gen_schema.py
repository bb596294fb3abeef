"""Typed column kinds of every raw table, and where each dirty kind is injected.

``KINDS[table][column]`` says how the generator stores and writes a column (see ``gen_core.Kind``).
``SPECS[table]`` says which columns each dirty kind touches in that table; a kind whose column is not
set does not make sense for the table and is never injected there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmwh.contract import CURRENCIES, DIRTY_KINDS, TABLES, TABLES_BY_NAME
from crmwh.gen_core import BOOL, CAT, DATE, ID, INT, MONEY, RATE, STR, TS, Kind
from crmwh.gen_vocab import CANONICAL, CES_SCALE, COUNTRY_CODES

V = CANONICAL

ID_KINDS: dict[str, Kind] = {
    "customers": ID("CU", 7),
    "sales_reps": ID("RE", 5),
    "products": ID("PR", 5),
    "campaigns": ID("CA", 5),
    "leads": ID("LE", 7),
    "opportunities": ID("OP", 7),
    "opportunity_stage_history": ID("SH", 8),
    "orders": ID("OR", 8),
    "order_items": ID("OI", 9),
    "subscriptions": ID("SU", 7),
    "support_tickets": ID("TI", 7),
    "survey_responses": ID("SR", 7),
    "web_sessions": ID("WS", 9),
    "email_events": ID("EM", 9),
    "activities": ID("AC", 8),
    "crm_logins": ID("LG", 8),
    "lead_pool_events": ID("PE", 7),
    "loyalty_points": ID("LY", 8),
}
VISITOR_ID = ID("VI", 9)

REGIONS = V["rep_region"]
TEAMS = (
    "Americas SMB",
    "Americas Enterprise",
    "Americas Support",
    "EMEA SMB",
    "EMEA Enterprise",
    "EMEA Support",
    "APAC SMB",
    "APAC Enterprise",
    "APAC Support",
    "Sales Leadership",
)

PRODUCT_SLUGS = (
    "crm-suite",
    "analytics-hub",
    "cloudsync",
    "support-plus",
    "smart-terminal",
    "barcode-scanner",
    "receipt-printer",
    "onboarding-workshop",
    "data-migration",
    "api-access",
)
LANDING_PAGES = (
    "/",
    "/pricing",
    "/signup",
    "/contact",
    "/demo-request",
    "/whitepaper",
    "/cart",
    *(f"/products/{s}" for s in PRODUCT_SLUGS),
    *(
        f"/blog/{s}"
        for s in ("crm-tips", "churn-playbook", "nps-guide", "sales-funnel", "holiday-checklist", "customer-stories")
    ),
    *(f"/lp/{s}" for s in ("black-friday", "spring-sale", "webinar", "free-trial", "partner-offer", "back-to-school")),
)
SUBJECTS: dict[str, tuple[str, ...]] = {
    "call": ("Intro call", "Discovery call", "Follow-up call", "Check-in call", "Renewal call"),
    "email": ("Intro email", "Sent pricing", "Follow-up email", "Sent case study", "Contract sent"),
    "meeting": ("Demo meeting", "Requirements workshop", "Quarterly business review", "Negotiation meeting"),
    "visit": ("On-site visit", "Site survey", "Executive visit"),
    "note": ("Note: budget confirmed", "Note: decision maker identified", "Note: competitor in play", "Note: on hold"),
}
SUBJECT_VOCAB = tuple(s for subjects in SUBJECTS.values() for s in subjects)

ORPHAN_WIDTH_EXTRA = 1  # orphan ids are one digit longer than real ids, so they can never exist


def _c(table: str, **kinds: Kind) -> dict[str, Kind]:
    names = TABLES_BY_NAME[table].column_names
    missing = set(names) - set(kinds)
    extra = set(kinds) - set(names)
    if missing or extra:
        raise ValueError(f"{table}: kinds do not match the contract: missing {missing}, extra {extra}")
    return {n: kinds[n] for n in names}


CUR = CAT(CURRENCIES)
I = ID_KINDS  # noqa: E741 - short alias used below

KINDS: dict[str, dict[str, Kind]] = {
    "customers": _c(
        "customers",
        customer_id=I["customers"],
        customer_type=CAT(V["customer_type"]),
        full_name=STR,
        company_name=STR,
        email=STR,
        phone=STR,
        gender=CAT(V["gender"]),
        birth_date=DATE,
        country=CAT(COUNTRY_CODES),
        city=STR,
        segment=CAT(V["customer_segment"]),
        industry=CAT(V["industry"]),
        acquisition_channel=CAT(V["acquisition_channel"]),
        owner_rep_id=I["sales_reps"],
        created_at=TS,
        updated_at=TS,
    ),
    "sales_reps": _c(
        "sales_reps",
        rep_id=I["sales_reps"],
        full_name=STR,
        email=STR,
        team=CAT(TEAMS),
        manager_rep_id=I["sales_reps"],
        region=CAT(REGIONS),
        hire_date=DATE,
        status=CAT(V["rep_status"]),
        updated_at=TS,
    ),
    "quotas": _c("quotas", rep_id=I["sales_reps"], quota_month=DATE, quota_amount=MONEY, currency=CUR, updated_at=TS),
    "products": _c(
        "products",
        product_id=I["products"],
        sku=STR,
        product_name=STR,
        category=CAT(V["product_category"]),
        is_subscription=BOOL,
        list_price=MONEY,
        unit_cost=MONEY,
        currency=CUR,
        launched_at=TS,
        updated_at=TS,
    ),
    "campaigns": _c(
        "campaigns",
        campaign_id=I["campaigns"],
        campaign_name=STR,
        channel=CAT(V["campaign_channel"]),
        objective=CAT(V["campaign_objective"]),
        start_date=DATE,
        end_date=DATE,
        budget=MONEY,
        currency=CUR,
        updated_at=TS,
    ),
    "leads": _c(
        "leads",
        lead_id=I["leads"],
        full_name=STR,
        email=STR,
        phone=STR,
        company_name=STR,
        lead_source=CAT(V["lead_source"]),
        campaign_id=I["campaigns"],
        owner_rep_id=I["sales_reps"],
        status=CAT(V["lead_status"]),
        created_at=TS,
        last_contacted_at=TS,
        converted_customer_id=I["customers"],
        converted_at=TS,
        updated_at=TS,
    ),
    "opportunities": _c(
        "opportunities",
        opportunity_id=I["opportunities"],
        customer_id=I["customers"],
        lead_id=I["leads"],
        owner_rep_id=I["sales_reps"],
        product_id=I["products"],
        amount=MONEY,
        currency=CUR,
        created_at=TS,
        expected_close_date=DATE,
        actual_close_date=DATE,
        stage=CAT(V["opportunity_stage"]),
        lost_reason=CAT(V["lost_reason"]),
        stage_probability=INT,
        updated_at=TS,
    ),
    "opportunity_stage_history": _c(
        "opportunity_stage_history",
        stage_history_id=I["opportunity_stage_history"],
        opportunity_id=I["opportunities"],
        stage=CAT(V["opportunity_stage"]),
        entered_at=TS,
        changed_by_rep_id=I["sales_reps"],
    ),
    "orders": _c(
        "orders",
        order_id=I["orders"],
        customer_id=I["customers"],
        ordered_at=TS,
        status=CAT(V["order_status"]),
        channel=CAT(V["order_channel"]),
        currency=CUR,
        discount_amount=MONEY,
        sales_rep_id=I["sales_reps"],
        updated_at=TS,
    ),
    "order_items": _c(
        "order_items",
        order_item_id=I["order_items"],
        order_id=I["orders"],
        product_id=I["products"],
        quantity=INT,
        unit_price=MONEY,
    ),
    "subscriptions": _c(
        "subscriptions",
        subscription_id=I["subscriptions"],
        customer_id=I["customers"],
        product_id=I["products"],
        plan=CAT(V["subscription_plan"]),
        mrr=MONEY,
        currency=CUR,
        contract_start_date=DATE,
        contract_end_date=DATE,
        status=CAT(V["subscription_status"]),
        renewal_of_subscription_id=I["subscriptions"],
        cancelled_at=TS,
        cancel_reason=CAT(V["cancel_reason"]),
        updated_at=TS,
    ),
    "support_tickets": _c(
        "support_tickets",
        ticket_id=I["support_tickets"],
        customer_id=I["customers"],
        product_id=I["products"],
        channel=CAT(V["ticket_channel"]),
        priority=CAT(V["ticket_priority"]),
        category=CAT(V["ticket_category"]),
        status=CAT(V["ticket_status"]),
        created_at=TS,
        first_response_at=TS,
        resolved_at=TS,
        is_escalated=BOOL,
        reopened_count=INT,
        assignee_rep_id=I["sales_reps"],
        updated_at=TS,
    ),
    "survey_responses": _c(
        "survey_responses",
        response_id=I["survey_responses"],
        customer_id=I["customers"],
        ticket_id=I["support_tickets"],
        survey_type=CAT(V["survey_type"]),
        channel=CAT(V["survey_channel"]),
        responded_at=TS,
        score=INT,
        ces_scale=CAT((CES_SCALE,)),
        comment=STR,
    ),
    "marketing_spend": _c(
        "marketing_spend",
        spend_date=DATE,
        campaign_id=I["campaigns"],
        channel=CAT(V["campaign_channel"]),
        amount=MONEY,
        currency=CUR,
    ),
    "web_sessions": _c(
        "web_sessions",
        session_id=I["web_sessions"],
        visitor_id=VISITOR_ID,
        customer_id=I["customers"],
        started_at=TS,
        source=CAT(V["session_source"]),
        medium=CAT(V["session_medium"]),
        campaign_id=I["campaigns"],
        landing_page=CAT(LANDING_PAGES),
        pageviews=INT,
        duration_seconds=INT,
        device=CAT(V["device"]),
        lead_id=I["leads"],
    ),
    "email_events": _c(
        "email_events",
        event_id=I["email_events"],
        campaign_id=I["campaigns"],
        customer_id=I["customers"],
        recipient_email=STR,
        event_type=CAT(V["email_event_type"]),
        event_at=TS,
    ),
    "activities": _c(
        "activities",
        activity_id=I["activities"],
        activity_type=CAT(V["activity_type"]),
        rep_id=I["sales_reps"],
        lead_id=I["leads"],
        customer_id=I["customers"],
        opportunity_id=I["opportunities"],
        subject=CAT(SUBJECT_VOCAB),
        scheduled_at=TS,
        completed_at=TS,
        created_at=TS,
    ),
    "crm_logins": _c(
        "crm_logins", login_id=I["crm_logins"], rep_id=I["sales_reps"], logged_in_at=TS, client=CAT(V["login_client"])
    ),
    "lead_pool_events": _c(
        "lead_pool_events",
        pool_event_id=I["lead_pool_events"],
        lead_id=I["leads"],
        event_type=CAT(V["pool_event_type"]),
        rep_id=I["sales_reps"],
        event_at=TS,
        reason=CAT(V["pool_event_reason"]),
    ),
    "loyalty_points": _c(
        "loyalty_points",
        points_txn_id=I["loyalty_points"],
        customer_id=I["customers"],
        order_id=I["orders"],
        txn_type=CAT(V["loyalty_txn_type"]),
        points=INT,
        txn_at=TS,
    ),
    "fx_rates": _c("fx_rates", rate_date=DATE, currency=CUR, rate_to_usd=RATE),
}


@dataclass
class DirtySpec:
    """Where each dirty kind lands in one table (None / empty = the kind does not apply)."""

    table: str
    date_col: str | None = None  # impossible_date, unparseable_date (a required date)
    other_date_cols: tuple[str, ...] = ()  # other_date_format (repaired)
    amount_col: str | None = None  # negative_amount
    numeric_col: str | None = None  # non_numeric_amount
    currency_col: str | None = None  # unknown_currency
    category_col: str | None = None  # unknown_category
    foreign_col: str | None = None  # foreign_category_name (repaired)
    fk_cols: tuple[str, ...] = ()  # orphan_foreign_key
    contact_cols: tuple[str, ...] = ()  # mixed_format_contact (repaired)
    text_cols: tuple[str, ...] = ()  # padded_whitespace (repaired)
    nfd_cols: tuple[str, ...] = ()  # nfd_text (repaired)
    score_col: str | None = None  # score_out_of_range
    before_customer_col: str | None = None  # before_customer_created
    shift_cols: tuple[str, ...] = ()  # moved together with the event on before_customer_created rows
    clear_on_shift: tuple[str, ...] = ()  # set empty on before_customer_created rows
    updated_col: str | None = None
    created_col: str | None = None  # lower bound of a stale duplicate's updated_at
    stale_values: dict[str, str] = field(default_factory=dict)  # column -> category value on stale copies

    @property
    def key(self) -> tuple[str, ...]:
        return TABLES_BY_NAME[self.table].key

    def applies(self, kind: str) -> bool:
        return {
            "duplicate_key": True,
            "null_key": True,
            "impossible_date": self.date_col is not None,
            "unparseable_date": self.date_col is not None,
            "negative_amount": self.amount_col is not None,
            "non_numeric_amount": self.numeric_col is not None,
            "unknown_currency": self.currency_col is not None,
            "unknown_category": self.category_col is not None,
            "orphan_foreign_key": bool(self.fk_cols),
            "score_out_of_range": self.score_col is not None,
            "before_customer_created": self.before_customer_col is not None,
            "other_date_format": bool(self.other_date_cols),
            "foreign_category_name": self.foreign_col is not None,
            "mixed_format_contact": bool(self.contact_cols),
            "padded_whitespace": bool(self.text_cols),
            "nfd_text": bool(self.nfd_cols),
        }[kind]

    def kinds(self) -> list[str]:
        return [k for k in DIRTY_KINDS if self.applies(k)]


SPECS: dict[str, DirtySpec] = {
    s.table: s
    for s in (
        DirtySpec(
            "customers",
            date_col="created_at",
            other_date_cols=("created_at", "updated_at", "birth_date"),
            category_col="segment",
            fk_cols=("owner_rep_id",),
            contact_cols=("email", "phone"),
            text_cols=("full_name", "city", "company_name"),
            nfd_cols=("full_name", "city", "company_name"),
            updated_col="updated_at",
            created_col="created_at",
        ),
        DirtySpec(
            "sales_reps",
            date_col="hire_date",
            other_date_cols=("hire_date", "updated_at"),
            category_col="region",
            fk_cols=("manager_rep_id",),
            contact_cols=("email",),
            text_cols=("full_name",),
            nfd_cols=("full_name",),
            updated_col="updated_at",
        ),
        DirtySpec(
            "quotas",
            date_col="quota_month",
            other_date_cols=("updated_at",),
            amount_col="quota_amount",
            numeric_col="quota_amount",
            currency_col="currency",
            fk_cols=("rep_id",),
            updated_col="updated_at",
        ),
        DirtySpec(
            "products",
            date_col="launched_at",
            other_date_cols=("launched_at", "updated_at"),
            amount_col="list_price",
            numeric_col="unit_cost",
            currency_col="currency",
            text_cols=("product_name",),
            updated_col="updated_at",
            created_col="launched_at",
        ),
        DirtySpec(
            "campaigns",
            date_col="start_date",
            other_date_cols=("start_date", "end_date", "updated_at"),
            amount_col="budget",
            numeric_col="budget",
            currency_col="currency",
            category_col="objective",
            text_cols=("campaign_name",),
            updated_col="updated_at",
        ),
        DirtySpec(
            "leads",
            date_col="created_at",
            other_date_cols=("created_at", "last_contacted_at", "converted_at", "updated_at"),
            category_col="status",
            foreign_col="status",
            fk_cols=("campaign_id", "owner_rep_id"),
            contact_cols=("email", "phone"),
            text_cols=("full_name", "company_name"),
            nfd_cols=("full_name", "company_name"),
            updated_col="updated_at",
            created_col="created_at",
        ),
        DirtySpec(
            "opportunities",
            date_col="created_at",
            other_date_cols=("created_at", "expected_close_date", "actual_close_date", "updated_at"),
            amount_col="amount",
            numeric_col="amount",
            currency_col="currency",
            category_col="stage",
            foreign_col="stage",
            fk_cols=("lead_id", "owner_rep_id", "product_id", "customer_id"),
            score_col="stage_probability",
            updated_col="updated_at",
            created_col="created_at",
        ),
        DirtySpec(
            "opportunity_stage_history",
            date_col="entered_at",
            other_date_cols=("entered_at",),
            category_col="stage",
            foreign_col="stage",
            fk_cols=("opportunity_id", "changed_by_rep_id"),
        ),
        DirtySpec(
            "orders",
            date_col="ordered_at",
            other_date_cols=("ordered_at", "updated_at"),
            amount_col="discount_amount",
            numeric_col="discount_amount",
            currency_col="currency",
            category_col="status",
            foreign_col="status",
            fk_cols=("customer_id", "sales_rep_id"),
            before_customer_col="ordered_at",
            shift_cols=("ordered_at", "updated_at"),
            updated_col="updated_at",
            created_col="ordered_at",
            stale_values={"status": "placed"},
        ),
        DirtySpec(
            "order_items",
            amount_col="unit_price",
            numeric_col="quantity",
            fk_cols=("order_id", "product_id"),
        ),
        DirtySpec(
            "subscriptions",
            date_col="contract_start_date",
            other_date_cols=("contract_start_date", "contract_end_date", "cancelled_at", "updated_at"),
            amount_col="mrr",
            numeric_col="mrr",
            currency_col="currency",
            category_col="status",
            foreign_col="status",
            fk_cols=("customer_id", "product_id", "renewal_of_subscription_id"),
            before_customer_col="contract_start_date",
            shift_cols=("contract_start_date", "contract_end_date", "cancelled_at", "updated_at"),
            clear_on_shift=("renewal_of_subscription_id",),
            updated_col="updated_at",
        ),
        DirtySpec(
            "support_tickets",
            date_col="created_at",
            other_date_cols=("created_at", "first_response_at", "resolved_at", "updated_at"),
            category_col="priority",
            foreign_col="priority",
            fk_cols=("customer_id", "product_id", "assignee_rep_id"),
            before_customer_col="created_at",
            shift_cols=("created_at", "first_response_at", "resolved_at", "updated_at"),
            updated_col="updated_at",
            created_col="created_at",
        ),
        DirtySpec(
            "survey_responses",
            date_col="responded_at",
            other_date_cols=("responded_at",),
            category_col="survey_type",
            fk_cols=("customer_id", "ticket_id"),
            score_col="score",
            before_customer_col="responded_at",
            shift_cols=("responded_at",),
            clear_on_shift=("ticket_id",),
        ),
        DirtySpec(
            "marketing_spend",
            date_col="spend_date",
            amount_col="amount",
            numeric_col="amount",
            currency_col="currency",
            fk_cols=("campaign_id",),
        ),
        DirtySpec(
            "web_sessions",
            date_col="started_at",
            other_date_cols=("started_at",),
            category_col="device",
            fk_cols=("customer_id", "campaign_id", "lead_id"),
        ),
        DirtySpec(
            "email_events",
            date_col="event_at",
            other_date_cols=("event_at",),
            category_col="event_type",
            fk_cols=("campaign_id", "customer_id"),
            contact_cols=("recipient_email",),
        ),
        DirtySpec(
            "activities",
            date_col="created_at",
            other_date_cols=("scheduled_at", "completed_at", "created_at"),
            category_col="activity_type",
            fk_cols=("rep_id", "lead_id", "customer_id", "opportunity_id"),
            text_cols=("subject",),
        ),
        DirtySpec(
            "crm_logins",
            date_col="logged_in_at",
            other_date_cols=("logged_in_at",),
            category_col="client",
            fk_cols=("rep_id",),
        ),
        DirtySpec(
            "lead_pool_events",
            date_col="event_at",
            other_date_cols=("event_at",),
            category_col="event_type",
            fk_cols=("lead_id", "rep_id"),
        ),
        DirtySpec(
            "loyalty_points",
            date_col="txn_at",
            other_date_cols=("txn_at",),
            numeric_col="points",
            category_col="txn_type",
            fk_cols=("customer_id", "order_id"),
        ),
        DirtySpec("fx_rates", date_col="rate_date", amount_col="rate_to_usd", numeric_col="rate_to_usd"),
    )
}

assert set(SPECS) == {t.name for t in TABLES}, "every contract table needs a dirty spec"
