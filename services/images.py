"""Checking uploads by their content, and turning them into clean RGB images for OCR."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

SUPPORTED_FORMATS = {
    "PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif",
    "BMP": "image/bmp", "TIFF": "image/tiff",
}
_DARK_MODE_SIDE = 500  # px: the longest side of the copy the text's polarity is judged on


class InvalidImage(ValueError):
    """An upload that is not a usable image. ``code`` names the problem for the API."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImageInfo:
    format: str
    content_type: str
    width: int
    height: int


def _open(data: bytes, max_pixels: int) -> Image.Image:
    if not data:
        raise InvalidImage("empty_file", "the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidImage("image_too_large", f"the image has more than {max_pixels} pixels")
    except Exception:
        raise InvalidImage("unsupported_media_type",
                           "not a supported image (PNG, JPEG, WebP, GIF, BMP or TIFF), judged by its content")
    if image.format not in SUPPORTED_FORMATS:
        raise InvalidImage("unsupported_media_type", f"{image.format} images are not supported")
    if image.width * image.height > max_pixels:
        raise InvalidImage("image_too_large",
                           f"the image is {image.width}x{image.height}, more than {max_pixels} pixels")
    if image.width < 8 or image.height < 8:
        raise InvalidImage("image_too_small", f"the image is {image.width}x{image.height}, too small to hold a table")
    return image


def inspect_image(data: bytes, max_pixels: int) -> ImageInfo:
    """Check an upload fully, including decoding every pixel, so a truncated file is refused
    at upload time instead of failing later in a worker."""
    image = _open(data, max_pixels)
    try:
        image.load()
    except Exception as exc:
        raise InvalidImage("corrupt_image", f"the image could not be decoded: {exc}") from None
    return ImageInfo(image.format, SUPPORTED_FORMATS[image.format], image.width, image.height)


def load_rgb(data: bytes, max_pixels: int) -> Image.Image:
    """The first frame as RGB, turned upright by its EXIF orientation, transparency on white."""
    image = _open(data, max_pixels)
    image.load()
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode != "RGB":
        image = image.convert("RGB")
    return image


def is_dark_mode(gray: np.ndarray) -> bool:
    """Light text on a dark background: strokes stand out lighter than their neighbourhood more
    than darker. Shared by deskewing, ruling detection and OCR, which all invert such pages.
    Not the overall grey level: a dim photo of a light page is dark all over, yet its text is
    darker still."""
    step = max(1, max(gray.shape) // _DARK_MODE_SIDE)
    darker = darker_than_surroundings(np.asarray(gray[::step, ::step], dtype=np.float32))
    # The far tail: on a page of a few thin rules, halos beside them outnumber the strokes.
    return float(np.percentile(-darker, 99.9)) > float(np.percentile(darker, 99.9))


def darker_than_surroundings(gray: np.ndarray) -> np.ndarray:
    """Per pixel, how much darker it is than the mean of a block a twentieth of the picture's
    shorter side (15 px at least): strokes stand out, shading and paper colour do not."""
    block = max(15, (min(gray.shape) // 20) | 1)
    return cv2.blur(gray, (block, block)) - gray
