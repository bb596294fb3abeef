"""The raw CRM export contract: every raw table, its columns, keys and meaning.

This module is the single source of truth for the raw layer. The generator
writes columns in this order, ``seeds/raw/_raw__seeds.yml`` (every column typed
text) and ``models/staging/crm/_crm__sources.yml`` (documentation, freshness)
are rendered from it by ``python -m crmwh.render_yml --write``, and a test checks
that the committed yml files match it.

Every value in a raw export is text. Timestamps are exported as ISO 8601 in
UTC (``2024-03-05T10:11:12Z``) by a well-behaved system, but the contract
tolerates the other formats staging documents (offsets, ``DD.MM.YYYY``,
``MM/DD/YYYY``, ``YYYY/MM/DD``). Amounts are decimal numbers with a dot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CURRENCIES = ("USD", "EUR", "GBP", "VND", "IRR", "CNY", "RUB")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    loaded_at: str  # column used for source freshness
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> table.column

    @property
    def raw_name(self) -> str:
        return f"raw_{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name: str, description: str, *allowed: str) -> Column:  # noqa: N802 - short constructor
    return Column(name, description, tuple(allowed))


TS = "timestamp, ISO 8601 in UTC (other formats tolerated, see staging)"

TABLES: tuple[Table, ...] = (
    Table(
        "customers",
        "one row per customer (person or company) per export; a customer can appear more than once with different updated_at",
        ("customer_id",),
        (
            C("customer_id", "natural key of the customer in the CRM"),
            C("customer_type", "person or company", "person", "company"),
            C("full_name", "name of the person, or of the main contact of a company"),
            C("company_name", "legal name for company customers, empty for persons"),
            C("email", "contact email as typed in the CRM (mixed case and spacing possible); personal data"),
            C("phone", "contact phone as typed (any format); personal data"),
            C("gender", "gender as recorded: female, male, other, or empty", "female", "male", "other"),
            C("birth_date", "date of birth of a person customer"),
            C("country", "ISO 3166-1 alpha-2 country code"),
            C("city", "city name in the customer's own language and script"),
            C("segment", "customer segment", "consumer", "smb", "mid_market", "enterprise"),
            C("industry", "industry of company customers"),
            C("acquisition_channel", "channel through which the customer was acquired"),
            C("owner_rep_id", "sales rep who owns the account (sales_reps.rep_id)"),
            C("created_at", f"when the customer record was created; {TS}"),
            C("updated_at", f"when the record was last updated; {TS}"),
        ),
        "updated_at",
        {"owner_rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "sales_reps",
        "one row per sales rep per export",
        ("rep_id",),
        (
            C("rep_id", "natural key of the sales rep"),
            C("full_name", "rep's name"),
            C("email", "rep's work email; personal data"),
            C("team", "sales team the rep belongs to"),
            C("manager_rep_id", "rep_id of the rep's manager; empty for heads of sales"),
            C("region", "sales region", "americas", "emea", "apac"),
            C("hire_date", "date the rep was hired"),
            C("status", "employment status", "active", "inactive"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
        {"manager_rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "quotas",
        "one row per sales rep per month",
        ("rep_id", "quota_month"),
        (
            C("rep_id", "sales rep (sales_reps.rep_id)"),
            C("quota_month", "first day of the month the quota applies to (YYYY-MM-01)"),
            C("quota_amount", "sales quota for the month, in the quota currency"),
            C("currency", "ISO 4217 currency of the quota"),
            C("updated_at", f"last update of the quota; {TS}"),
        ),
        "updated_at",
        {"rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "products",
        "one row per product per export",
        ("product_id",),
        (
            C("product_id", "natural key of the product"),
            C("sku", "stock keeping unit code"),
            C("product_name", "product name"),
            C("category", "product category"),
            C("is_subscription", "true when the product is sold as a subscription", "true", "false"),
            C("list_price", "list price per unit, in the product currency"),
            C("unit_cost", "cost per unit, in the product currency"),
            C("currency", "ISO 4217 currency of price and cost"),
            C("launched_at", f"when the product was launched; {TS}"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
    ),
    Table(
        "campaigns",
        "one row per marketing campaign",
        ("campaign_id",),
        (
            C("campaign_id", "natural key of the campaign"),
            C("campaign_name", "campaign name"),
            C(
                "channel",
                "marketing channel of the campaign (paid_search, social, email, display, events, referral, organic)",
            ),
            C("objective", "campaign objective", "awareness", "acquisition", "retention", "upsell"),
            C("start_date", "first day of the campaign"),
            C("end_date", "last day of the campaign"),
            C("budget", "planned budget, in the campaign currency"),
            C("currency", "ISO 4217 currency of the budget"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
    ),
    Table(
        "leads",
        "one row per lead per export",
        ("lead_id",),
        (
            C("lead_id", "natural key of the lead"),
            C("full_name", "name of the prospect"),
            C("email", "prospect email as typed; personal data"),
            C("phone", "prospect phone as typed; personal data"),
            C("company_name", "prospect company, if any"),
            C("lead_source", "where the lead came from (web, referral, event, cold_call, partner, social, email)"),
            C("campaign_id", "campaign that produced the lead (campaigns.campaign_id), if any"),
            C("owner_rep_id", "rep who owns the lead (sales_reps.rep_id); empty while in the shared pool"),
            C(
                "status",
                "lead status, possibly in another language or spelling (new, contacted, qualified, unqualified, converted)",
            ),
            C("created_at", f"when the lead was created; {TS}"),
            C("last_contacted_at", f"last time a rep contacted the lead; {TS}"),
            C("converted_customer_id", "customer the lead became (customers.customer_id), if converted"),
            C("converted_at", f"when the lead converted; {TS}"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
        {
            "campaign_id": "campaigns.campaign_id",
            "owner_rep_id": "sales_reps.rep_id",
            "converted_customer_id": "customers.customer_id",
        },
    ),
    Table(
        "opportunities",
        "one row per opportunity per export (current state)",
        ("opportunity_id",),
        (
            C("opportunity_id", "natural key of the opportunity"),
            C("customer_id", "customer the deal is with (customers.customer_id); empty before conversion"),
            C("lead_id", "lead the opportunity came from (leads.lead_id)"),
            C("owner_rep_id", "rep who owns the deal (sales_reps.rep_id)"),
            C("product_id", "main product of the deal (products.product_id)"),
            C("amount", "deal amount, in the deal currency"),
            C("currency", "ISO 4217 currency of the amount"),
            C("created_at", f"when the opportunity was created; {TS}"),
            C("expected_close_date", "date the rep expects the deal to close"),
            C("actual_close_date", "date the deal closed (won or lost); empty while open"),
            C(
                "stage",
                "current stage, possibly in another language or spelling (lead, qualified, proposal, negotiation, closed_won, closed_lost)",
            ),
            C("lost_reason", "why a lost deal was lost"),
            C("stage_probability", "win probability the CRM shows for the current stage, 0-100"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
        {
            "customer_id": "customers.customer_id",
            "lead_id": "leads.lead_id",
            "owner_rep_id": "sales_reps.rep_id",
            "product_id": "products.product_id",
        },
    ),
    Table(
        "opportunity_stage_history",
        "one row per opportunity per stage entered",
        ("stage_history_id",),
        (
            C("stage_history_id", "natural key of the stage change"),
            C("opportunity_id", "opportunity (opportunities.opportunity_id)"),
            C("stage", "stage entered, possibly in another language or spelling"),
            C("entered_at", f"when the opportunity entered the stage; {TS}"),
            C("changed_by_rep_id", "rep who moved the deal (sales_reps.rep_id)"),
        ),
        "entered_at",
        {"opportunity_id": "opportunities.opportunity_id", "changed_by_rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "orders",
        "one row per order per export",
        ("order_id",),
        (
            C("order_id", "natural key of the order"),
            C("customer_id", "customer who ordered (customers.customer_id)"),
            C("ordered_at", f"when the order was placed; {TS}"),
            C(
                "status",
                "order status, possibly in another language or spelling (placed, paid, shipped, completed, cancelled, refunded)",
            ),
            C("channel", "sales channel (web, mobile_app, phone, store, partner)"),
            C("currency", "ISO 4217 currency of the order"),
            C("discount_amount", "order-level discount, in the order currency"),
            C("sales_rep_id", "rep credited with the order (sales_reps.rep_id), if any"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
        {"customer_id": "customers.customer_id", "sales_rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "order_items",
        "one row per order line",
        ("order_item_id",),
        (
            C("order_item_id", "natural key of the order line"),
            C("order_id", "order (orders.order_id)"),
            C("product_id", "product (products.product_id)"),
            C("quantity", "units ordered, a positive whole number"),
            C("unit_price", "price per unit before the order discount, in the order currency"),
        ),
        "order_item_id",
        {"order_id": "orders.order_id", "product_id": "products.product_id"},
    ),
    Table(
        "subscriptions",
        "one row per subscription contract",
        ("subscription_id",),
        (
            C("subscription_id", "natural key of the contract"),
            C("customer_id", "subscriber (customers.customer_id)"),
            C("product_id", "subscribed product (products.product_id)"),
            C("plan", "plan name", "basic", "pro", "enterprise"),
            C("mrr", "monthly recurring revenue of the contract, in its currency"),
            C("currency", "ISO 4217 currency of the MRR"),
            C("contract_start_date", "first day of the contract"),
            C("contract_end_date", "last day of the contract term"),
            C(
                "status",
                "contract status, possibly in another language or spelling (active, cancelled, expired, renewed)",
            ),
            C(
                "renewal_of_subscription_id",
                "the contract this one renews (subscriptions.subscription_id), if a renewal",
            ),
            C("cancelled_at", f"when the contract was cancelled; {TS}"),
            C("cancel_reason", "why the customer cancelled"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
        {
            "customer_id": "customers.customer_id",
            "product_id": "products.product_id",
            "renewal_of_subscription_id": "subscriptions.subscription_id",
        },
    ),
    Table(
        "support_tickets",
        "one row per support ticket per export",
        ("ticket_id",),
        (
            C("ticket_id", "natural key of the ticket"),
            C("customer_id", "customer who raised it (customers.customer_id)"),
            C("product_id", "product concerned (products.product_id), if any"),
            C("channel", "channel the ticket came through (email, phone, chat, web_form, social)"),
            C("priority", "priority, possibly in another language or spelling (low, normal, high, urgent)"),
            C("category", "issue category (billing, technical, shipping, account, product_question, complaint)"),
            C("status", "ticket status (open, pending, solved, closed)"),
            C("created_at", f"when the ticket was opened; {TS}"),
            C("first_response_at", f"first agent response; {TS}"),
            C("resolved_at", f"when the ticket was resolved; {TS}"),
            C("is_escalated", "true when escalated to a higher tier", "true", "false"),
            C("reopened_count", "how many times the ticket was reopened"),
            C("assignee_rep_id", "agent or rep handling the ticket (sales_reps.rep_id), if any"),
            C("updated_at", f"last update of the record; {TS}"),
        ),
        "updated_at",
        {
            "customer_id": "customers.customer_id",
            "product_id": "products.product_id",
            "assignee_rep_id": "sales_reps.rep_id",
        },
    ),
    Table(
        "survey_responses",
        "one row per survey response",
        ("response_id",),
        (
            C("response_id", "natural key of the response"),
            C("customer_id", "respondent (customers.customer_id)"),
            C("ticket_id", "ticket the survey followed (support_tickets.ticket_id), if any"),
            C("survey_type", "which question was asked", "nps", "csat", "ces"),
            C("channel", "where the survey was answered (email, in_app, web, phone)"),
            C("responded_at", f"when the response was given; {TS}"),
            C("score", "the answer: NPS 0-10, CSAT 1-5, CES on the scale in ces_scale"),
            C("ces_scale", "scale of a CES answer, e.g. 1-7 (1 = very easy); empty for NPS and CSAT"),
            C("comment", "free-text comment, any language"),
        ),
        "responded_at",
        {"customer_id": "customers.customer_id", "ticket_id": "support_tickets.ticket_id"},
    ),
    Table(
        "marketing_spend",
        "one row per campaign per channel per day",
        ("campaign_id", "channel", "spend_date"),
        (
            C("spend_date", "day of the spend"),
            C("campaign_id", "campaign (campaigns.campaign_id)"),
            C("channel", "channel the money was spent on"),
            C("amount", "amount spent that day, in its currency"),
            C("currency", "ISO 4217 currency of the amount"),
        ),
        "spend_date",
        {"campaign_id": "campaigns.campaign_id"},
    ),
    Table(
        "web_sessions",
        "one row per web session",
        ("session_id",),
        (
            C("session_id", "natural key of the session"),
            C("visitor_id", "anonymous visitor cookie id"),
            C("customer_id", "customer, when the visitor is known (customers.customer_id)"),
            C("started_at", f"session start; {TS}"),
            C("source", "traffic source (google, bing, facebook, newsletter, direct, partner_site, ...)"),
            C("medium", "traffic medium (cpc, organic, social, email, referral, none)"),
            C("campaign_id", "campaign of the landing link (campaigns.campaign_id), if any"),
            C("landing_page", "path of the first page viewed"),
            C("pageviews", "pages viewed in the session"),
            C("duration_seconds", "session length in seconds"),
            C("device", "device class", "desktop", "mobile", "tablet"),
            C("lead_id", "lead created during the session (leads.lead_id), if any"),
        ),
        "started_at",
        {"customer_id": "customers.customer_id", "campaign_id": "campaigns.campaign_id", "lead_id": "leads.lead_id"},
    ),
    Table(
        "email_events",
        "one row per email event (sent, delivered, open, click, unsubscribe, bounce)",
        ("event_id",),
        (
            C("event_id", "natural key of the event"),
            C("campaign_id", "campaign of the email (campaigns.campaign_id)"),
            C("customer_id", "recipient customer (customers.customer_id), if known"),
            C("recipient_email", "recipient address as sent; personal data"),
            C("event_type", "what happened", "sent", "delivered", "open", "click", "unsubscribe", "bounce"),
            C("event_at", f"when it happened; {TS}"),
        ),
        "event_at",
        {"campaign_id": "campaigns.campaign_id", "customer_id": "customers.customer_id"},
    ),
    Table(
        "activities",
        "one row per CRM activity (call, email, meeting, visit, note)",
        ("activity_id",),
        (
            C("activity_id", "natural key of the activity"),
            C("activity_type", "kind of activity (call, email, meeting, visit, note)"),
            C("rep_id", "rep who logged it (sales_reps.rep_id)"),
            C("lead_id", "lead concerned (leads.lead_id), if any"),
            C("customer_id", "customer concerned (customers.customer_id), if any"),
            C("opportunity_id", "opportunity concerned (opportunities.opportunity_id), if any"),
            C("subject", "short subject line"),
            C("scheduled_at", f"when it was scheduled; {TS}"),
            C("completed_at", f"when it was done; empty if not done; {TS}"),
            C("created_at", f"when it was logged; {TS}"),
        ),
        "created_at",
        {
            "rep_id": "sales_reps.rep_id",
            "lead_id": "leads.lead_id",
            "customer_id": "customers.customer_id",
            "opportunity_id": "opportunities.opportunity_id",
        },
    ),
    Table(
        "crm_logins",
        "one row per login of a rep to the CRM",
        ("login_id",),
        (
            C("login_id", "natural key of the login"),
            C("rep_id", "rep who logged in (sales_reps.rep_id)"),
            C("logged_in_at", f"login time; {TS}"),
            C("client", "client used", "web", "mobile", "desktop"),
        ),
        "logged_in_at",
        {"rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "lead_pool_events",
        "one row per shared-lead-pool event",
        ("pool_event_id",),
        (
            C("pool_event_id", "natural key of the event"),
            C("lead_id", "lead concerned (leads.lead_id)"),
            C("event_type", "what happened (released, claimed, reclaimed, frozen, restored)"),
            C("rep_id", "rep who claimed, released or reclaimed (sales_reps.rep_id), if any"),
            C("event_at", f"when it happened; {TS}"),
            C("reason", "why, e.g. no_follow_up_in_time, manual_release"),
        ),
        "event_at",
        {"lead_id": "leads.lead_id", "rep_id": "sales_reps.rep_id"},
    ),
    Table(
        "loyalty_points",
        "one row per loyalty points transaction",
        ("points_txn_id",),
        (
            C("points_txn_id", "natural key of the transaction"),
            C("customer_id", "member (customers.customer_id)"),
            C("order_id", "order that earned or spent the points (orders.order_id), if any"),
            C("txn_type", "kind of transaction", "earn", "redeem", "expire", "adjust"),
            C("points", "points added (positive) or removed (negative)"),
            C("txn_at", f"when it happened; {TS}"),
        ),
        "txn_at",
        {"customer_id": "customers.customer_id", "order_id": "orders.order_id"},
    ),
    Table(
        "fx_rates",
        "one row per currency per day",
        ("currency", "rate_date"),
        (
            C("rate_date", "day of the rate"),
            C("currency", "ISO 4217 currency code"),
            C("rate_to_usd", "value of one unit of the currency in US dollars on that day"),
        ),
        "rate_date",
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# The minimal export: the tables a warehouse cannot be built without. Every other table may be
# header-only (a CRM without reps, leads or fx rates); every reference to it is optional.
CORE_TABLES: tuple[str, ...] = ("customers", "products", "orders", "order_items")


# --- Dirty rows -------------------------------------------------------------
# Kinds of bad input the generator injects on purpose, and what staging must do
# with each: "clean" kinds are repaired and the row accepted; every other kind
# is rejected with the reason code given (see seeds/lookups/rejection_reasons.csv).
DIRTY_KINDS: dict[str, str | None] = {
    # kind: rejection reason code, or None when staging repairs the row
    "duplicate_key": "duplicate_superseded",  # same key twice, older updated_at loses
    "null_key": "missing_key",
    "impossible_date": "invalid_timestamp",  # 2024-02-30, 2023-13-01
    "unparseable_date": "invalid_timestamp",  # "yesterday", "n/a"
    "negative_amount": "negative_amount",
    "non_numeric_amount": "invalid_number",  # "12,5O", "abc"
    "unknown_currency": "unknown_currency",  # "XXX", "US$"
    "unknown_category": "unknown_category",  # a stage/status name no lookup lists
    "orphan_foreign_key": "orphan_reference",  # points at a key that does not exist
    "score_out_of_range": "out_of_range",  # NPS 11, CSAT 0, CES 9 on 1-7
    "before_customer_created": "before_customer_created",  # event before customer existed
    "other_date_format": None,  # 05.03.2024, 03/05/2024, 2024/03/05, +07:00 offsets
    "foreign_category_name": None,  # stage/status in vi/fa/zh/ru, other case or spacing
    "mixed_format_contact": None,  # " John.Doe@Example.COM ", "+1 (555) 010-2030"
    "padded_whitespace": None,  # leading/trailing spaces
    "nfd_text": None,  # decomposed Unicode (NFD) instead of NFC
}

REJECTION_REASONS: dict[str, str] = {
    "missing_key": "the natural key is empty",
    "duplicate_superseded": "another row with the same key has a later updated_at (or sorts later on a tie)",
    "invalid_timestamp": "a required date or timestamp cannot be parsed or does not exist",
    "invalid_number": "a number cannot be parsed",
    "negative_amount": "an amount or quantity that must not be negative is negative",
    "unknown_currency": "the currency is not listed in seeds/lookups/currencies.csv",
    "unknown_category": "a stage, status or type is not listed in the lookup seeds",
    "orphan_reference": "a foreign key points at a row that does not exist (or was rejected)",
    "out_of_range": "a score, probability or count is outside its allowed range",
    "before_customer_created": "the event happened before its customer was created",
    "missing_fx_rate": (
        "the currency has no exchange rate on the order date, nor one at most fx_rate_max_staleness_days days"
        " earlier, to convert it into the reporting currency"
    ),
}
