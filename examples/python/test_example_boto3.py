from example_boto3 import run_example


def test_update_client_ids(vpfake_endpoint):
    source = run_example(vpfake_endpoint)
    assert source["configuration"]["cognitoUserPoolConfiguration"]["clientIds"] == ["client-a", "client-b"]
