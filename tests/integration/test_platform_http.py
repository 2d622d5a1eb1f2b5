"""Errors, headers, health and docs: the platform's HTTP edge."""

PROBLEM = "application/problem+json"


async def test_unknown_route_is_a_404_problem(client):
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "not_found"


async def test_wrong_method_is_a_405_problem(client):
    response = await client.delete("/healthz")
    assert (
        response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    )


async def test_malformed_json_is_a_400_problem(client):
    response = await client.post(
        "/v1/auth/login",
        content=b'{"email": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"


async def test_string_for_a_number_is_not_coerced(client):
    # strictness: "10" is not 10, and unknown fields are rejected
    response = await client.post(
        "/v1/auth/login", json={"email": "a@example.com", "password": 123456789012}
    )
    assert response.status_code == 422 and response.json()["param"] == "password"
    extra = await client.post(
        "/v1/auth/login", json={"email": "a@example.com", "password": "x", "admin": 1}
    )
    assert extra.status_code == 422 and extra.json()["param"] == "admin"


async def test_body_over_one_mebibyte_is_413(client):
    response = await client.post(
        "/v1/auth/register",
        content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={"content-type": "application/json"},
    )
    assert (
        response.status_code == 413 and response.json()["code"] == "payload_too_large"
    )


async def test_request_id_is_echoed_or_made(client):
    echoed = await client.get("/healthz", headers={"X-Request-Id": "req-123"})
    assert echoed.headers["x-request-id"] == "req-123"
    made = await client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32
    problem = await client.get("/nope", headers={"X-Request-Id": "req-456"})
    assert problem.json()["request_id"] == "req-456"


async def test_security_headers_on_every_response(client):
    response = await client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


async def test_readyz_names_each_dependency(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == ["postgres", "redis"]


async def test_readyz_is_503_naming_the_dependency_that_is_down(client):
    async def broken() -> None:
        raise ConnectionError("connection refused")

    client.app.state.readiness_checks["redis"] = broken
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert "redis unreachable" in response.json()["detail"]


async def test_metrics_are_exported_for_prometheus(client):
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert 'till_http_requests_total{method="GET",route="/healthz"' in response.text


async def test_openapi_is_3_1_and_describes_identity_and_payments(client):
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/v1/auth/login",
        "/v1/auth/me",
        "/v1/api-keys",
        "/readyz",
        "/v1/payment-methods",
        "/v1/payments",
        "/v1/payments/{payment_id}/confirm",
        "/v1/payments/{payment_id}/capture",
        "/v1/payments/{payment_id}/cancel",
        "/v1/payments/{payment_id}/refunds",
        "/v1/payments/{payment_id}/events",
    ):
        assert path in spec["paths"]
    create = spec["paths"]["/v1/payments"]["post"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaymentOut"
    }
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert (await client.get("/docs")).status_code == 200


async def test_streamed_body_over_one_mebibyte_is_413(client):
    async def chunks():
        for _ in range(20):
            yield b" " * 65536  # 1.25 MiB in all, no content-length declared

    response = await client.post(
        "/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert (
        response.status_code == 413 and response.json()["code"] == "payload_too_large"
    )


async def test_readyz_checks_rabbitmq_when_configured(database_url, redis_prefix):
    import httpx

    from till.app import create_app
    from till.platform.settings import InfraSettings

    infra = InfraSettings(
        database_url=database_url,
        rabbitmq_url="amqp://guest:guest@127.0.0.1:5672/",  # pragma: allowlist secret
        till_redis_prefix=redis_prefix,
    )
    app = create_app(infra)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            ready = await http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == [
        "postgres",
        "rabbitmq",
    ]


async def test_openapi_describes_errors_as_problem_json_and_bearer_auth(client):
    spec = (await client.get("/openapi.json")).json()
    responses = spec["paths"]["/v1/auth/login"]["post"]["responses"]
    problem = responses["4XX"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/auth/me"]["get"]["security"] == [{"HTTPBearer": []}]
