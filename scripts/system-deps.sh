#!/usr/bin/env bash
# Debian packages the tests need: tesseract (MRZ OCR), the OCR-B and DejaVu fonts (synthetic
# documents), Chromium and its driver (browser tests), poppler-utils (PDF pages to images), xmlsec1 (the SAML identity provider the SSO tests run). Installed when missing
# and we are root with apt-get; otherwise we say exactly what to install.
set -euo pipefail
missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr tesseract-ocr-eng)
[ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] || missing+=(fonts-ocr-b)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || apt-get update
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "These Debian packages are needed for the tests: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
