// Create a policy store and a Cognito identity source on vpfake with the AWS SDK
// for JavaScript v3, update its client ids and check the update.
//
//   npm ci && VPFAKE_ENDPOINT=http://127.0.0.1:4599 node example.mjs
import {
  VerifiedPermissionsClient,
  CreatePolicyStoreCommand,
  CreateIdentitySourceCommand,
  GetIdentitySourceCommand,
  UpdateIdentitySourceCommand,
} from "@aws-sdk/client-verifiedpermissions";

const endpoint = process.env.VPFAKE_ENDPOINT;
if (!endpoint) {
  console.error("set VPFAKE_ENDPOINT to the fake's URL, e.g. http://127.0.0.1:4599");
  process.exit(2);
}
const vp = new VerifiedPermissionsClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" }, // the fake accepts any credentials
});
const userPoolArn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example";

function check(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    console.error(`${what}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    process.exit(1);
  }
}

const { policyStoreId } = await vp.send(new CreatePolicyStoreCommand({ validationSettings: { mode: "OFF" } }));
const { identitySourceId } = await vp.send(new CreateIdentitySourceCommand({
  policyStoreId,
  configuration: { cognitoUserPoolConfiguration: { userPoolArn, clientIds: ["client-a"] } },
}));
const ids = { policyStoreId, identitySourceId };

const before = await vp.send(new GetIdentitySourceCommand(ids));
check(before.configuration.cognitoUserPoolConfiguration.clientIds, ["client-a"], "clientIds after create");

await vp.send(new UpdateIdentitySourceCommand({
  ...ids,
  updateConfiguration: { cognitoUserPoolConfiguration: { userPoolArn, clientIds: ["client-a", "client-b"] } },
}));
const { $metadata, ...source } = await vp.send(new GetIdentitySourceCommand(ids));
check(source.configuration.cognitoUserPoolConfiguration.clientIds, ["client-a", "client-b"], "clientIds after update");

console.log(JSON.stringify(source, null, 2));
