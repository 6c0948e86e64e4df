"""The domain: OCR engines, table recovery, values, XLSX, storage. No Flask imports here."""
