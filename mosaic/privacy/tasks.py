from __future__ import annotations

from django_tasks import task


@task()
def build_export(*, export_id: str) -> None:
    """P20: build a requested export; on failure the export is marked failed, never half-ready."""
    from mosaic.privacy.exports import build
    from mosaic.privacy.models import DataExport

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return  # deleted meanwhile, or another worker has it
    try:
        build(export)
    except Exception:
        DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED)
        raise
