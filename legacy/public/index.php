<?php
// The router script of `php -S 127.0.0.1:8080 legacy/public/index.php`:
// every request comes here. Order of checks as in Laravel: route match (404,
// 405), then the bearer token (401), then route-model binding (404), then
// validation (422). Anything unexpected answers 500 {"message": "Server Error"}.

declare(strict_types=1);

foreach (['Config', 'Database', 'HttpResponses', 'Validator', 'Decimal', 'OrderStatus',
    'OrderRepository', 'Paginator', 'OrderController'] as $file) {
    require __DIR__ . '/../app/' . $file . '.php';
}

const ROUTES = [
    ['GET', '#^api/orders$#', 'index'],
    ['POST', '#^api/orders$#', 'store'],
    ['GET', '#^api/orders/([^/]+)$#', 'show'],
    ['DELETE', '#^api/orders/([^/]+)$#', 'destroy'],
    ['POST', '#^api/orders/([^/]+)/cancel$#', 'cancel'],
    ['PATCH', '#^api/orders/([^/]+)/status$#', 'updateStatus'],
];

/** @return array{0: string, 1: ?string} the controller method and the {order} id */
function route(string $method, string $path): array
{
    $allowed = [];
    foreach (ROUTES as [$verb, $pattern, $action]) {
        if (preg_match($pattern, $path, $match)) {
            if ($verb === $method || ($verb === 'GET' && $method === 'HEAD')) {
                return [$action, isset($match[1]) ? rawurldecode($match[1]) : null];
            }
            $allowed[] = $verb === 'GET' ? 'GET, HEAD' : $verb;
        }
    }
    throw $allowed === []
        ? HttpError::routeNotFound($path)
        : HttpError::methodNotAllowed($method, $path, $allowed);
}

function authenticate(Config $config): void
{
    $header = $_SERVER['HTTP_AUTHORIZATION'] ?? '';
    $at = strrpos($header, 'Bearer ');
    $token = $at === false ? '' : substr($header, $at + 7);
    if ($config->apiToken === '' || !hash_equals($config->apiToken, $token)) {
        throw HttpError::unauthenticated();
    }
}

/** The JSON body merged over the query string, as Laravel's $request->all(). */
function input(): array
{
    $body = json_decode((string) file_get_contents('php://input'), true);
    return (is_array($body) ? $body : []) + $_GET;
}

function handle(Config $config): array
{
    $method = $_SERVER['REQUEST_METHOD'];
    $path = trim((string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH), '/');
    if ($path === 'up') {  // Laravel 11's health route: the app boots and reaches MariaDB
        Database::connect($config)->query('SELECT 1');
        return [200, ['status' => 'up']];
    }
    [$action, $id] = route($method, $path);
    authenticate($config);
    $controller = new OrderController(new OrderRepository(Database::connect($config)), $config);
    return match ($action) {
        'index' => $controller->index($_GET, 'http://' . $_SERVER['HTTP_HOST'] . '/' . $path),
        'store' => $controller->store(input()),
        'show' => $controller->show($id),
        'destroy' => $controller->destroy($id),
        'cancel' => $controller->cancel($id),
        'updateStatus' => $controller->updateStatus($id, input()),
    };
}

set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

try {
    [$status, $body] = handle(Config::fromEnv());
} catch (HttpError $error) {
    [$status, $body] = [$error->status, $error->body];
} catch (Throwable $error) {
    error_log('legacy: ' . get_class($error) . ': ' . $error->getMessage());
    [$status, $body] = [500, ['message' => 'Server Error']];
}
send_json($status, $body);
