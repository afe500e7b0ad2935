"""``/api/v1/documents``: submit an identity document, read one of yours and its checks."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors.users import request_user as _user
from attestations import selectors, services
from attestations.models import DocumentType
from attestations.uploads import refuse_oversized_request
from idverify.api_input import StrictInput
from idverify.openapi import ApiError


class DocumentOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    document_type = serializers.CharField()
    status = serializers.CharField()
    supports_status = serializers.CharField()
    document_expires_on = serializers.DateField(allow_null=True)
    checks = serializers.ListField(child=serializers.DictField())
    review_reasons = serializers.ListField(child=serializers.CharField())
    decision_reason = serializers.CharField()
    decision_note = serializers.CharField()
    has_image = serializers.BooleanField()
    image_deleted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


@method_decorator(never_cache, name="dispatch")
class DocumentCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(StrictInput):
        document_type = serializers.ChoiceField(choices=DocumentType.choices)
        file = serializers.FileField(required=False)
        mrz = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        request=InputSerializer,
        responses={201: DocumentOutput, 409: ApiError("Sign a current attestation first.")},
        summary="Submit an identity document (multipart with a file, and/or JSON with mrz)",
    )
    def post(self, request: Request) -> Response:
        refuse_oversized_request(
            request.META.get("CONTENT_LENGTH"), limits=services.upload_limits()
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data.get("file")
        data = None
        if upload is not None:
            data = bytes(upload.read(services.upload_limits().max_bytes + 1))
        document = services.document_submit(
            user=_user(request),
            document_type=serializer.validated_data["document_type"],
            file_data=data,
            mrz=serializer.validated_data.get("mrz"),
        )
        return Response(DocumentOutput(document).data, status=status.HTTP_201_CREATED)


@method_decorator(never_cache, name="dispatch")
class DocumentDetailApi(APIView):
    @extend_schema(responses=DocumentOutput, summary="One of your documents and its checks")
    def get(self, request: Request, document_id: str) -> Response:
        document = selectors.document_get(viewer=_user(request), public_id=document_id)
        return Response(DocumentOutput(document).data)
