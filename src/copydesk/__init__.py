"""copydesk: clean scraped news text — strip debris, keep its metadata, repair dropped punctuation."""

from copydesk.document import Byline, Document, Quarantined, RawDoc, Removal, Repair

__all__ = ["Byline", "Document", "Quarantined", "RawDoc", "Removal", "Repair", "clean_text", "clean_batch"]


def __getattr__(name: str):  # lazy: importing the package stays cheap
    if name in ("clean_text", "clean_batch"):
        from copydesk import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
