"""An uploaded CV -> a profile draft: the document's text is read here, the draft is made by `enrich.resumes`."""

from __future__ import annotations

from datetime import date

from lmis.enrich.enricher import Enricher
from lmis.enrich.resumes import ProfileDraft, draft_with_enricher
from lmis.sources.documents import document_text


def draft_from_document(
    data: bytes, filename: str, content_type: str | None, *, enricher: Enricher, today: date | None = None
) -> ProfileDraft:
    """The draft profile of an uploaded CV (PDF, DOCX or text), coded with the running system's models.

    Raises `Invalid` (field "file") when the document cannot be read, with what to upload instead.
    """
    document = document_text(data, filename, content_type)
    return draft_with_enricher(document.text, enricher=enricher, today=today)
