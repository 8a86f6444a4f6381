#!/usr/bin/env bash
# Create a policy store and a Cognito identity source on vpfake with the AWS CLI,
# update its client ids and check the update.
#
#   VPFAKE_ENDPOINT=http://127.0.0.1:4599 ./example.sh
set -euo pipefail
: "${VPFAKE_ENDPOINT:?set VPFAKE_ENDPOINT to the fake URL, e.g. http://127.0.0.1:4599}"
# Dummy credentials (the fake accepts any); no profile or config file of this machine.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
vp() { aws verifiedpermissions --endpoint-url "$VPFAKE_ENDPOINT" "$@"; }

pool=arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example
store=$(vp create-policy-store --validation-settings mode=OFF --query policyStoreId --output text)
source_id=$(vp create-identity-source --policy-store-id "$store" --query identitySourceId --output text \
  --configuration "cognitoUserPoolConfiguration={userPoolArn=$pool,clientIds=[client-a]}")
ids=(--policy-store-id "$store" --identity-source-id "$source_id")
clients='join(`,`, configuration.cognitoUserPoolConfiguration.clientIds)'

before=$(vp get-identity-source "${ids[@]}" --query "$clients" --output text)
[ "$before" = client-a ] || { echo "clientIds after create: want client-a, got $before" >&2; exit 1; }

vp update-identity-source "${ids[@]}" \
  --update-configuration "cognitoUserPoolConfiguration={userPoolArn=$pool,clientIds=[client-a,client-b]}" >/dev/null
after=$(vp get-identity-source "${ids[@]}" --query "$clients" --output text)
[ "$after" = client-a,client-b ] || { echo "clientIds after update: want client-a,client-b, got $after" >&2; exit 1; }

vp get-identity-source "${ids[@]}" --output json
