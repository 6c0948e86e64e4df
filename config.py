"""Every setting, read from the environment in this one place.

``Settings`` is plain Python so worker processes and the CLI use it without Flask;
the ``*Config`` classes are what ``create_app`` loads. Each variable and its default is
listed in the README.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    redis_url: str = field(default_factory=lambda: _str("REDIS_URL", "redis://127.0.0.1:6379/0"))
    key_prefix: str = field(default_factory=lambda: _str("REDIS_KEY_PREFIX", "tablesnap"))
    queue_name: str = field(default_factory=lambda: _str("QUEUE_NAME", "tablesnap"))
    storage_backend: str = field(default_factory=lambda: _str("STORAGE_BACKEND", "redis"))
    storage_dir: str = field(default_factory=lambda: _str("STORAGE_DIR", "/var/lib/tablesnap"))
    file_retention_hours: float = field(default_factory=lambda: _float("FILE_RETENTION_HOURS", 24))
    max_batch_size: int = field(default_factory=lambda: _int("MAX_BATCH_SIZE", 20))
    max_content_length: int = field(default_factory=lambda: _int("MAX_CONTENT_LENGTH", 50 * 1024 * 1024))
    max_image_pixels: int = field(default_factory=lambda: _int("MAX_IMAGE_PIXELS", 40_000_000))
    max_pdf_pages: int = field(default_factory=lambda: _int("MAX_PDF_PAGES", 50))
    pdf_dpi: int = field(default_factory=lambda: _int("PDF_DPI", 200))
    pdf_max_dpi: int = field(default_factory=lambda: _int("PDF_MAX_DPI", 300))
    ocr_engine: str = field(default_factory=lambda: _str("OCR_ENGINE", "rapidocr"))
    ocr_lang: str = field(default_factory=lambda: _str("OCR_LANG", "eng"))
    tesseract_binary: str = field(default_factory=lambda: _str("TESSERACT_BINARY", "tesseract"))
    tesseract_psm: int = field(default_factory=lambda: _int("TESSERACT_PSM", 6))
    olmocr_base_url: str = field(default_factory=lambda: _str("OLMOCR_API_BASE_URL", "https://api.deepinfra.com/v1/openai"))
    olmocr_api_key: str = field(default_factory=lambda: _str("OLMOCR_API_KEY", ""))
    olmocr_model: str = field(default_factory=lambda: _str("OLMOCR_MODEL", "allenai/olmOCR-2-7B-1025"))
    olmocr_timeout: float = field(default_factory=lambda: _float("OLMOCR_TIMEOUT", 120))
    olmocr_connect_timeout: float = field(default_factory=lambda: _float("OLMOCR_CONNECT_TIMEOUT", 5))
    olmocr_max_retries: int = field(default_factory=lambda: _int("OLMOCR_MAX_RETRIES", 4))
    olmocr_max_image_side: int = field(default_factory=lambda: _int("OLMOCR_MAX_IMAGE_SIDE", 1600))
    olmocr_max_tokens: int = field(default_factory=lambda: _int("OLMOCR_MAX_TOKENS", 8000))
    ocr_threads: int = field(default_factory=lambda: _int("OCR_THREADS", 0))
    worker_mode: str = field(default_factory=lambda: _str("WORKER_MODE", "simple"))
    file_job_retries: int = field(default_factory=lambda: _int("FILE_JOB_RETRIES", 1))
    worker_maintenance_seconds: int = field(default_factory=lambda: _int("WORKER_MAINTENANCE_SECONDS", 60))
    log_format: str = field(default_factory=lambda: _str("LOG_FORMAT", "json"))
    log_level: str = field(default_factory=lambda: _str("LOG_LEVEL", "INFO").upper())
    job_timeout: int = field(default_factory=lambda: _int("JOB_TIMEOUT", 300))
    sse_heartbeat_seconds: float = field(default_factory=lambda: _float("SSE_HEARTBEAT_SECONDS", 15))
    webhook_secret: str = field(default_factory=lambda: _str("WEBHOOK_SECRET", ""))
    webhook_allow_private: bool = field(default_factory=lambda: _str("WEBHOOK_ALLOW_PRIVATE", "false").lower() in ("1", "true", "yes"))
    webhook_timeout: float = field(default_factory=lambda: _float("WEBHOOK_TIMEOUT", 10))
    webhook_retry_intervals: list[int] = field(
        default_factory=lambda: [int(x) for x in _list("WEBHOOK_RETRY_INTERVALS", "10,30,120,600,1800")])
    low_confidence: float = field(default_factory=lambda: _float("LOW_CONFIDENCE_THRESHOLD", 0.8))
    api_keys: list[str] = field(default_factory=lambda: _list("API_KEYS"))
    admin_api_key: str = field(default_factory=lambda: _str("ADMIN_API_KEY", ""))
    rate_limit_enabled: bool = field(default_factory=lambda: _str("RATE_LIMIT_ENABLED", "true").lower() in ("1", "true", "yes"))
    rate_limit_storage_url: str = field(default_factory=lambda: _str("RATE_LIMIT_STORAGE_URL", ""))
    rate_limit_default: str = field(default_factory=lambda: _str("RATE_LIMIT_DEFAULT", "600/minute"))
    rate_limit_uploads: str = field(default_factory=lambda: _str("RATE_LIMIT_UPLOADS", "30/minute"))
    rate_limit_images: str = field(default_factory=lambda: _str("RATE_LIMIT_IMAGES", "120/minute;2000/day"))
    rate_limit_anonymous: str = field(default_factory=lambda: _str("RATE_LIMIT_ANONYMOUS", "60/minute"))
    trusted_proxy_hops: int = field(default_factory=lambda: _int("TRUSTED_PROXY_HOPS", 0))
    cache_ttl_hours: float = field(default_factory=lambda: _float("CACHE_TTL_HOURS", 24))

    @property
    def retention_seconds(self) -> int:
        return int(self.file_retention_hours * 3600)

    @property
    def cache_ttl_seconds(self) -> int:
        return int(self.cache_ttl_hours * 3600)


def load_settings() -> Settings:
    return Settings()


class Config:
    """Flask settings. ``SETTINGS`` carries the domain settings for the services."""

    ENV_NAME = "base"
    TESTING = False

    def __init__(self):
        settings = self.SETTINGS = load_settings()
        self.MAX_CONTENT_LENGTH = settings.max_content_length
        self.RATELIMIT_STORAGE_URI = settings.rate_limit_storage_url or settings.redis_url
        self.RATELIMIT_KEY_PREFIX = f"{settings.key_prefix}:limits"
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_ENABLED = settings.rate_limit_enabled


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True


class ProductionConfig(Config):
    ENV_NAME = "production"


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}


def config_for(name: str | None = None) -> Config:
    return CONFIGS[name or os.environ.get("TABLESNAP_ENV", "production")]()

