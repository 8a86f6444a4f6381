"""Create a policy store and a Cognito identity source on vpfake with boto3,
update its client ids and check the update.

    python3 example_boto3.py [ENDPOINT]

Without ENDPOINT (or $VPFAKE_ENDPOINT) it starts its own vpfake (see vpfake_fixture.py).
"""

import json
import os
import sys

import boto3

from vpfake_fixture import run_vpfake

USER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example"


def run_example(endpoint_url):
    """Run the sequence against endpoint_url and return the updated identity source."""
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
        configuration={"cognitoUserPoolConfiguration": {"userPoolArn": USER_POOL_ARN, "clientIds": ["client-a"]}},
    )["identitySourceId"]
    ids = {"policyStoreId": store, "identitySourceId": source_id}

    before = vp.get_identity_source(**ids)["configuration"]["cognitoUserPoolConfiguration"]["clientIds"]
    if before != ["client-a"]:
        raise RuntimeError(f"created with clientIds ['client-a'], got {before}")

    vp.update_identity_source(
        **ids,
        updateConfiguration={
            "cognitoUserPoolConfiguration": {"userPoolArn": USER_POOL_ARN, "clientIds": ["client-a", "client-b"]}
        },
    )
    source = vp.get_identity_source(**ids)
    after = source["configuration"]["cognitoUserPoolConfiguration"]["clientIds"]
    if after != ["client-a", "client-b"]:
        raise RuntimeError(f"updated to clientIds ['client-a', 'client-b'], got {after}")
    source.pop("ResponseMetadata", None)
    return source


def main():
    endpoint = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VPFAKE_ENDPOINT")
    if endpoint:
        source = run_example(endpoint)
    else:
        with run_vpfake() as endpoint:
            source = run_example(endpoint)
    print(json.dumps(source, indent=2, default=str))


if __name__ == "__main__":
    main()
