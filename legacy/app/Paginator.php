<?php
// The JSON of Laravel's LengthAwarePaginator (`->paginate(15)`), links window
// included (UrlWindow with onEachSide = 3). Kept quirk: the page URLs carry
// only ?page=N — the customer_id/status filters are lost, as in an app that
// never called ->withQueryString().

declare(strict_types=1);

final class Paginator
{
    /**
     * @param list<array<string, mixed>> $rows
     * @return array<string, mixed>
     */
    public static function toArray(array $rows, int $total, int $perPage, int $page, string $path): array
    {
        $lastPage = max((int) ceil($total / $perPage), 1);
        $url = static fn (int $n): string => $path . '?page=' . $n;
        $from = $rows === [] ? null : ($page - 1) * $perPage + 1;
        return [
            'current_page' => $page,
            'data' => $rows,
            'first_page_url' => $url(1),
            'from' => $from,
            'last_page' => $lastPage,
            'last_page_url' => $url($lastPage),
            'links' => self::links($page, $lastPage, $url),
            'next_page_url' => $page < $lastPage ? $url($page + 1) : null,
            'path' => $path,
            'per_page' => $perPage,
            'prev_page_url' => $page > 1 ? $url($page - 1) : null,
            'to' => $from === null ? null : $from + count($rows) - 1,
            'total' => $total,
        ];
    }

    /** @return list<array{url: ?string, label: string, active: bool}> */
    private static function links(int $page, int $lastPage, callable $url): array
    {
        $links = [[
            'url' => $page > 1 ? $url($page - 1) : null, 'label' => '&laquo; Previous', 'active' => false,
        ]];
        foreach (self::window($page, $lastPage) as $element) {
            if ($element === null) {
                $links[] = ['url' => null, 'label' => '...', 'active' => false];
                continue;
            }
            foreach ($element as $n) {
                $links[] = ['url' => $url($n), 'label' => (string) $n, 'active' => $n === $page];
            }
        }
        $links[] = [
            'url' => $page < $lastPage ? $url($page + 1) : null, 'label' => 'Next &raquo;', 'active' => false,
        ];
        return $links;
    }

    /** @return list<list<int>|null> page ranges, null where "..." goes */
    private static function window(int $page, int $lastPage): array
    {
        $onEachSide = 3;
        $window = $onEachSide + 4;
        if ($lastPage < $onEachSide * 2 + 8) {
            return [range(1, $lastPage)];
        }
        $start = range(1, 2);
        $finish = range($lastPage - 1, $lastPage);
        if ($page <= $window) {
            return [range(1, $window + $onEachSide), null, $finish];
        }
        if ($page > $lastPage - $window) {
            return [$start, null, range($lastPage - ($window + $onEachSide - 1), $lastPage)];
        }
        return [$start, null, range($page - $onEachSide, $page + $onEachSide), null, $finish];
    }
}
