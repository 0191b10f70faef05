"""`manage.py backfill_image_sizes`: images made before sized previews get them, once."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from dalle.files import relocate_image_files
from dalle.models import GeneratedImage
from tests.dalle.factories import ImageFactory, QueuedImageFactory, stored_sizes

pytestmark = pytest.mark.django_db
PUBLIC = GeneratedImage.Visibility.PUBLIC


def backfill() -> str:
    out = StringIO()
    call_command("backfill_image_sizes", stdout=out)
    return out.getvalue()


def all_files(settings) -> dict[str, float]:
    """Every stored file, public and private, with its modification time."""
    files = {}
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for path in Path(root).rglob("*"):
            if path.is_file():
                files[str(path)] = path.stat().st_mtime_ns
    return files


def test_backfill_makes_sizes_once_and_a_second_run_does_nothing(settings):
    """Old images get their private sizes, public ones their public copies too; run again,
    nothing is written, deleted or changed."""
    shared = ImageFactory(visibility=PUBLIC)
    private = ImageFactory()
    QueuedImageFactory()  # nothing to make a size from
    assert backfill() == ("Checked 2 images. public copies made: 1, sized previews made: 2\n")
    shared.refresh_from_db()
    private.refresh_from_db()
    assert len(shared.sized_previews) == len(private.sized_previews) == 4
    assert len(shared.sized_thumbnails) == 4 and private.sized_thumbnails == []
    assert all(default_storage.exists(s["name"]) for s in shared.sized_thumbnails)

    before = all_files(settings)
    rows = list(GeneratedImage.objects.values_list("sized_previews", "sized_thumbnails"))
    assert backfill() == "Checked 2 images. Nothing to do.\n"
    assert all_files(settings) == before
    assert list(GeneratedImage.objects.values_list("sized_previews", "sized_thumbnails")) == rows


def test_backfill_takes_public_copies_away_from_a_private_image(settings):
    """A private image with public sized copies (an interrupted unshare) loses them."""
    image = ImageFactory(sized=True)
    GeneratedImage.objects.filter(pk=image.pk).update(
        sized_thumbnails=stored_sizes(default_storage, "thumbs")
    )
    assert backfill() == "Checked 1 images. public copies of a private image removed: 1\n"
    image.refresh_from_db()
    assert image.sized_thumbnails == []
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_backfill_skips_an_image_whose_original_is_missing(caplog):
    """A lost original is reported and left alone, and the rest carry on."""
    lost = ImageFactory()
    GeneratedImage.objects.filter(pk=lost.pk).update(image="images/gone.png")
    fine = ImageFactory()
    assert backfill() == ("Checked 2 images. sized previews made: 1, skipped: no original: 1\n")
    fine.refresh_from_db()
    assert len(fine.sized_previews) == 4
    assert "no original" in caplog.text


def test_relocate_media_keeps_sized_files_and_drops_public_ones_of_private_images(settings):
    """The layout command after the backfill: a public image keeps its sizes as they are;
    a private one keeps its private sizes but no public copy."""
    public = ImageFactory(visibility=PUBLIC, sized=True)
    private = ImageFactory(sized=True)
    GeneratedImage.objects.filter(pk=private.pk).update(
        sized_thumbnails=stored_sizes(default_storage, "thumbs")
    )
    before = (public.sized_previews, public.sized_thumbnails, private.sized_previews)
    call_command("relocate_media", stdout=StringIO())
    public.refresh_from_db()
    private.refresh_from_db()
    assert (public.sized_previews, public.sized_thumbnails, private.sized_previews) == before
    assert private.sized_thumbnails == []
    public_names = {s["name"] for s in public.sized_thumbnails} | {public.thumbnail.name}
    media = Path(settings.MEDIA_ROOT)
    assert {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()} == public_names
    relocate_image_files(public)  # and again: nothing moves
    public.refresh_from_db()
    assert public.sized_thumbnails == before[1]
