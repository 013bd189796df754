"""Write every photo's renditions again (after changing widths, formats or encoder settings).

Renditions that exist are kept unless --force; names are deterministic, so a page
never points at a file that is not there.
"""

from django.core.management.base import BaseCommand

from ...desk.progress import progress
from ...models import Image
from ...photos import services as photo_services
from ...photos.images import ImageRejected


class Command(BaseCommand):
    help = "Generate missing renditions for every photo (or rewrite them all with --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rewrite renditions that already exist.")
        parser.add_argument("--id", type=int, action="append", dest="ids", help="Only this photo (repeatable).")

    def handle(self, *args, **options):
        images = Image.objects.order_by("pk")
        if options["ids"]:
            images = images.filter(pk__in=options["ids"])
        total, written, failed = images.count(), 0, 0
        for image in progress(images.iterator(), total=total, label="renditions"):
            try:
                written += photo_services.image_generate_renditions(image=image, force=options["force"])
            except ImageRejected as error:
                # An original that no longer decodes: reported like a missing one, the others go on.
                failed += 1
                self.stderr.write(self.style.ERROR(f"#{image.pk}: {error.reason}"))
            except OSError as error:
                failed += 1
                self.stderr.write(self.style.ERROR(f"#{image.pk}: {error}"))
        self.stdout.write(self.style.SUCCESS(f"{total} photos, {written} renditions written, {failed} failed."))
        if failed:
            raise SystemExit(1)
