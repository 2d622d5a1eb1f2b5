<?php
// The handful of Laravel validation rules the order endpoints use, with
// Laravel 10's English messages. Like a FormRequest it validates everything,
// reports every failing field, and hands back only the validated keys (unknown
// fields are silently dropped, never rejected). One difference kept small on
// purpose: after the first failing rule of a field the rest are skipped (as if
// every field had `bail`), which gives Laravel's messages for the inputs that
// matter here.

declare(strict_types=1);

final class Validator
{
    /**
     * @param array<mixed> $data the decoded JSON body
     * @param array<string, list<string>> $rules field (dots, `*` for every index) => rules
     * @return array<mixed> the validated subset of $data
     */
    public static function validate(array $data, array $rules): array
    {
        $errors = [];
        foreach ($rules as $pattern => $fieldRules) {
            foreach (self::expand($data, $pattern) as $field) {
                $message = self::check($field, self::get($data, $field), $fieldRules);
                if ($message !== null) {
                    $errors[$field] = [$message];
                }
            }
        }
        if ($errors !== []) {
            throw HttpError::validation($errors);
        }
        return array_intersect_key($data, array_flip(array_map(
            static fn (string $pattern): string => explode('.', $pattern)[0],
            array_keys($rules),
        )));
    }

    /** @return list<string> concrete field names for a pattern such as items.*.qty */
    private static function expand(array $data, string $pattern): array
    {
        $star = strpos($pattern, '*');
        if ($star === false) {
            return [$pattern];
        }
        $parent = rtrim(substr($pattern, 0, $star), '.');
        $children = self::get($data, $parent);
        if (!is_array($children)) {
            return [];
        }
        $fields = [];
        foreach (array_keys($children) as $key) {
            $fields = array_merge($fields, self::expand($data, $parent . '.' . $key . substr($pattern, $star + 1)));
        }
        return $fields;
    }

    private static function get(mixed $data, string $field): mixed
    {
        foreach (explode('.', $field) as $key) {
            if (!is_array($data) || !array_key_exists($key, $data)) {
                return null;
            }
            $data = $data[$key];
        }
        return $data;
    }

    /** @param list<string> $rules */
    private static function check(string $field, mixed $value, array $rules): ?string
    {
        $name = str_replace('_', ' ', $field);
        $missing = $value === null || (is_string($value) && trim($value) === '') || $value === [];
        if ($missing) {
            return in_array('required', $rules, true) ? "The $name field is required." : null;
        }
        $numeric = in_array('integer', $rules, true);
        foreach ($rules as $rule) {
            [$rule, $arg] = array_pad(explode(':', $rule, 2), 2, '');
            $failure = match ($rule) {
                'required' => null,
                'integer' => filter_var($value, FILTER_VALIDATE_INT) === false
                    ? "The $name field must be an integer." : null,
                'string' => !is_string($value) ? "The $name field must be a string." : null,
                'array' => !is_array($value) ? "The $name field must be an array." : null,
                'alpha' => !is_string($value) || !preg_match('/^[\pL\pM]+$/u', $value)
                    ? "The $name field must only contain letters." : null,
                'size' => self::length((string) $value) !== (int) $arg
                    ? "The $name field must be $arg characters." : null,
                'min' => self::size($value, $numeric) < (int) $arg
                    ? (is_array($value) ? "The $name field must have at least $arg items."
                        : "The $name field must be at least $arg.") : null,
                'max' => self::size($value, $numeric) > (int) $arg
                    ? ($numeric ? "The $name field must not be greater than $arg."
                        : "The $name field must not be greater than $arg characters.") : null,
                'in' => !is_scalar($value) || !in_array((string) $value, explode(',', $arg), true)
                    ? "The selected $name is invalid." : null,
                'regex' => (!is_string($value) && !is_int($value) && !is_float($value))
                    || !preg_match($arg, (string) $value) ? "The $name field format is invalid." : null,
                default => throw new LogicException("unknown rule $rule"),
            };
            if ($failure !== null) {
                return $failure;
            }
        }
        return null;
    }

    private static function size(mixed $value, bool $numeric): int|float
    {
        return match (true) {
            is_array($value) => count($value),
            $numeric && is_numeric($value) => $value + 0,
            default => self::length((string) $value),
        };
    }

    /** Characters, not bytes (mbstring is not among the installed extensions). */
    private static function length(string $value): int
    {
        return (int) preg_match_all('/./us', $value);
    }
}
