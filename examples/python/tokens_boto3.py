"""Authorize a token through a Cognito identity source on vpfake with boto3,
then drop the token's client from the identity source and see the token refused.

    python3 tokens_boto3.py [ENDPOINT]

Without ENDPOINT (or $VPFAKE_ENDPOINT) it starts its own vpfake (see vpfake_fixture.py).
"""

import json
import os
import sys
import urllib.request

import boto3

from vpfake_fixture import run_vpfake

USER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example"


def mint_token(endpoint_url, **request):
    """Have vpfake's built-in issuer sign a token (POST /_vpfake/tokens)."""
    req = urllib.request.Request(
        endpoint_url + "/_vpfake/tokens",
        data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["token"]


def run_example(endpoint_url):
    """Run the flow against endpoint_url and return the two outcomes."""
    vp = boto3.client(
        "verifiedpermissions",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",  # the fake accepts any credentials
        aws_secret_access_key="test",
    )
    store = vp.create_policy_store(validationSettings={"mode": "OFF"})["policyStoreId"]
    source_id = vp.create_identity_source(
        policyStoreId=store,
        principalEntityType="MyApp::User",
        configuration={"cognitoUserPoolConfiguration": {"userPoolArn": USER_POOL_ARN, "clientIds": ["web-client"]}},
    )["identitySourceId"]
    # The principal of a Cognito token is "<user pool id>|<sub>".
    vp.create_policy(
        policyStoreId=store,
        definition={"static": {"statement": 'permit(principal == MyApp::User::"us-east-1_example|alice", '
                               'action == MyApp::Action::"view", resource);'}},
    )
    token = mint_token(endpoint_url, userPoolArn=USER_POOL_ARN, tokenUse="id", sub="alice", clientId="web-client")
    request = {
        "policyStoreId": store,
        "identityToken": token,
        "action": {"actionType": "MyApp::Action", "actionId": "view"},
        "resource": {"entityType": "MyApp::Photo", "entityId": "beach.jpg"},
    }
    before = vp.is_authorized_with_token(**request)["decision"]
    if before != "ALLOW":
        raise RuntimeError(f"expected ALLOW with the web client's token, got {before}")

    vp.update_identity_source(
        policyStoreId=store,
        identitySourceId=source_id,
        principalEntityType="MyApp::User",
        updateConfiguration={
            "cognitoUserPoolConfiguration": {"userPoolArn": USER_POOL_ARN, "clientIds": ["mobile-client"]}
        },
    )
    try:
        vp.is_authorized_with_token(**request)
    except vp.exceptions.ValidationException as e:
        after = e.response["Error"]["Code"]
    else:
        raise RuntimeError("expected ValidationException once the web client is dropped, got an answer")
    return {"before": before, "after": after}


def main():
    endpoint = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VPFAKE_ENDPOINT")
    if endpoint:
        outcome = run_example(endpoint)
    else:
        with run_vpfake() as endpoint:
            outcome = run_example(endpoint)
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
