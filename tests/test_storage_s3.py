"""Photos on S3-compatible object storage (django-storages), against a real S3 API.

`.ci/run` starts moto's S3 server on loopback and sets SAHIFA_TEST_S3_ENDPOINT; without it
these tests are skipped (the settings test runs anyway).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from articles.models import Image
from articles.photos import mediafiles
from articles.photos import services as photo_services
from tests.factories import jpeg_upload, make_agency, make_article

PROJECT = Path(__file__).resolve().parent.parent
KEYS = {"access_key": "sahifa-test", "secret_key": "sahifa-test-secret"}


@pytest.fixture
def s3(settings, monkeypatch):
    endpoint = os.environ.get("SAHIFA_TEST_S3_ENDPOINT")
    if not endpoint:
        pytest.skip("SAHIFA_TEST_S3_ENDPOINT is not set (.ci/run starts a local S3 server and sets it)")
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    public, private = f"sahifa-media-{uuid.uuid4().hex[:8]}", f"sahifa-private-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=public)
    client.create_bucket(Bucket=private)
    # What docs/deploy.md sets up: everyone may read the public prefix, nothing else.
    client.put_bucket_policy(Bucket=public, Policy=json.dumps(public_read_policy(public)))
    common = {**KEYS, "endpoint_url": endpoint, "region_name": "us-east-1", "file_overwrite": False}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "newsroom.storage.PublicS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": public,
                "location": "media",
                "querystring_auth": False,
                "object_parameters": {"CacheControl": "public, max-age=2592000"},
            },
        },
        "originals": {
            "BACKEND": "newsroom.storage.PrivateS3Storage",
            "OPTIONS": {**common, "bucket_name": private, "location": "", "querystring_auth": True},
        },
    }
    # The model field took its storage when the models loaded; follow the override.
    monkeypatch.setattr(Image._meta.get_field("file"), "storage", storages["originals"])
    return {"client": client, "public": public, "private": private, "endpoint": endpoint}


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadersReadRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/media/*",
            }
        ],
    }


def _keys(client, bucket: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.mark.django_db
def test_upload_stores_original_privately_and_renditions_publicly(s3):
    image = photo_services.image_create(
        file=jpeg_upload("photo.jpg", width=700, height=400), alt_text="ميناء", credit=make_agency()
    )

    private, public = _keys(s3["client"], s3["private"]), _keys(s3["client"], s3["public"])
    assert private == [image.file.name]
    assert image.file.name.startswith("originals/")
    assert public and all(key.startswith(f"media/renditions/{image.pk}/") for key in public)
    assert not any(key.startswith("originals/") for key in public)
    # Renditions carry their image type and cache lifetime; originals get no URL at all.
    head = s3["client"].head_object(Bucket=s3["public"], Key=f"media/{image.rendition_name('full', 320, 'webp')}")
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=2592000"
    with pytest.raises(ValueError):
        image.file.url  # noqa: B018 - the property is what is checked


@pytest.mark.django_db
def test_public_rendition_url_serves_the_image(s3):
    image = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")

    url = image.rendition_url("full", 320, "jpeg")
    with urllib.request.urlopen(url, timeout=10) as response:
        body, content_type = response.read(), response.headers["Content-Type"]

    assert url.startswith(s3["endpoint"]) and "Signature" not in url and "X-Amz" not in url
    assert content_type == "image/jpeg"
    assert body[:3] == b"\xff\xd8\xff"


@pytest.mark.django_db
def test_original_cannot_be_read_without_credentials(s3):
    image = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")

    private_url = f"{s3['endpoint']}/{s3['private']}/{image.file.name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(private_url, timeout=10)
    assert refused.value.code == 403
    # Nor is there a copy in the public bucket.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{s3['endpoint']}/{s3['public']}/{image.file.name}", timeout=10)


@pytest.mark.django_db
def test_story_page_links_renditions_on_object_storage(client, s3, now):
    photo = photo_services.image_create(
        file=jpeg_upload("photo.jpg", width=800, height=500), alt_text="ميناء", credit=make_agency()
    )
    article = make_article(lead_image=photo)

    html = client.get(article.get_absolute_url()).content.decode()

    assert f"{s3['endpoint']}/{s3['public']}/media/renditions/{photo.pk}/" in html


@pytest.mark.django_db
def test_no_file_is_ever_overwritten(s3):
    storage = storages["default"]

    first = storage.save("renditions/test/same.jpg", ContentFile(b"first"))
    second = storage.save("renditions/test/same.jpg", ContentFile(b"second"))

    assert first != second
    assert storage.open(first).read() == b"first"


@pytest.mark.django_db
def test_deleting_a_photo_removes_its_objects(s3, django_capture_on_commit_callbacks):
    image = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")

    with django_capture_on_commit_callbacks(execute=True):
        photo_services.image_delete(image=image)

    assert _keys(s3["client"], s3["private"]) == []
    assert _keys(s3["client"], s3["public"]) == []


@pytest.mark.django_db
def test_media_check_finds_orphans_in_buckets(s3):
    image = photo_services.image_create(file=jpeg_upload("photo.jpg", width=400, height=300), alt_text="ميناء")
    storages["originals"].save("originals/2024/12/orphan.jpg", ContentFile(b"left behind"))
    storages["default"].save("renditions/999999/abc/full-320.webp", ContentFile(b"no photo"))

    from datetime import timedelta

    report = mediafiles.check_media(older_than=timedelta(0))

    assert {(f.storage, f.name) for f in report.orphaned} == {
        ("originals", "originals/2024/12/orphan.jpg"),
        ("default", "renditions/999999/abc/full-320.webp"),
    }
    assert report.missing == []
    mediafiles.remove_files(report.removable)
    assert _keys(s3["client"], s3["private"]) == [image.file.name]


def test_s3_settings_come_from_the_environment():
    probe = (
        "import json; from newsroom import settings; "
        "print(json.dumps({k: settings.STORAGES[k] for k in ('default', 'originals')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(PROJECT),
            "DJANGO_SECRET_KEY": "test-only-not-a-secret",
            "DJANGO_MEDIA_STORAGE": "s3",
            "DJANGO_S3_BUCKET": "sahifa-media",
            "DJANGO_S3_PRIVATE_BUCKET": "sahifa-originals",
            "DJANGO_S3_ENDPOINT_URL": "https://s3.example.net",
            "DJANGO_S3_CUSTOM_DOMAIN": "media.sahifa.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    public, private = loaded["default"], loaded["originals"]
    assert public["BACKEND"] == "newsroom.storage.PublicS3Storage"
    assert public["OPTIONS"]["bucket_name"] == "sahifa-media"
    assert public["OPTIONS"]["custom_domain"] == "media.sahifa.example"
    assert public["OPTIONS"]["file_overwrite"] is False
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["BACKEND"] == "newsroom.storage.PrivateS3Storage"
    assert private["OPTIONS"]["bucket_name"] == "sahifa-originals"
    assert private["OPTIONS"]["file_overwrite"] is False
    assert private["OPTIONS"]["default_acl"] == "private"
