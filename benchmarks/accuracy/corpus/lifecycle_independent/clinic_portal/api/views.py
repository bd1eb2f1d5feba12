from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from .models import LabIntegrationKey


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def mobile_login_token(request):
    token, _ = Token.objects.get_or_create(user=request.user)
    return Response({"token": token.key})


@api_view(["POST"])
@permission_classes([IsAdminUser])
def create_lab_key(request):
    key, raw = LabIntegrationKey.issue(request.user, request.data["name"])
    return Response({"id": str(key.id), "key": raw}, status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([IsAdminUser])
def create_trial_lab_key(request):
    key, raw = LabIntegrationKey.issue(
        request.user,
        request.data["name"],
        expires_at=timezone.now() + timedelta(days=14),
    )
    return Response({"id": str(key.id), "key": raw}, status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([IsAdminUser])
def create_partner_lab_key(request):
    key, raw = LabIntegrationKey.issue(
        request.user,
        request.data["name"],
        expires_at=timezone.now() + relativedelta(years=5),
    )
    return Response({"id": str(key.id), "key": raw}, status=status.HTTP_201_CREATED)
