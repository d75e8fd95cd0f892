"""The audit trail's page, shared by the admin blueprint (every event, filtered by kind, person,
organisation and UK dates) and the employer blueprint (its own organisation's events only: the
service keeps to them whatever the query string says). Read-only; paged, newest first."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request, url_for

from quizapp.data.models import Organisation
from quizapp.services import audit
from quizapp.web.extensions import db
from quizapp.web.url_converters import as_row_id

PER_PAGE = 50


def audit_page(endpoint: str, *, only_organisation: Organisation | None = None,
               organisations: list[Organisation] | None = None) -> str:
    # (here, not at the top: the employer package imports this module)
    from quizapp.web.employer.filters import typed_dates, uk_midnight

    args = request.args
    kinds = audit.ORGANISATION_EVENTS if only_organisation is not None else tuple(audit.EVENTS)
    event = args.get("event", "")
    event = event if event in kinds else ""
    person = args.get("person", "").strip()[:254] if only_organisation is None else ""
    organisation_id = args.get("organisation", "")
    organisation_id = as_row_id(organisation_id) if organisations else None
    dates, found = typed_dates(args)  # both dates or, when either is wrong, neither
    errors = [{"text": message, "href": f"#{name}", "field": name} for name, message in found.errors]
    bounds = {"from": found.start, "to": found.end}
    filters = audit.Filters(
        event=event or None, person=person or None, organisation_id=organisation_id,
        since=uk_midnight(bounds["from"]) if bounds["from"] else None,
        until=uk_midnight(bounds["to"] + timedelta(days=1)) if bounds["to"] else None,
    )
    page_number = args.get("page", "1")
    found = audit.events(db.session, filters, page=as_row_id(page_number) or 1, per_page=PER_PAGE,
                         only_organisation=only_organisation.id if only_organisation is not None else None)
    query = {k: v for k, v in args.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return url_for(endpoint, **query, page=number)

    event_items = [{"value": "", "text": "All events"}] + [
        {"value": k, "text": audit.EVENTS[k], "selected": k == event} for k in kinds]
    organisation_items = [{"value": "", "text": "All organisations"}] + [
        {"value": str(o.id), "text": o.name, "selected": o.id == organisation_id} for o in organisations or []]
    return render_template(
        "shared/audit.html", title="Audit trail", found=found, event_items=event_items,
        organisation_items=organisation_items, person=person, organisations=organisations, dates=dates,
        date_errors={e["field"]: e["text"] for e in errors}, page_errors=[{"text": e["text"], "href": e["href"]} for e in errors],
        only_organisation=only_organisation, page_url=page_url, endpoint=endpoint,
    )
