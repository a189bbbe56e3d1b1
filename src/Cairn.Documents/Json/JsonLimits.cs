namespace Cairn.Documents.Json;

/// <summary>Bounds on what a client may store, so one request cannot exhaust the stack or the heap.</summary>
public static class JsonLimits
{
    /// <summary>Deepest nesting of arrays and objects accepted by the parser (serde_json's recursion limit, which RedisJSON inherits).</summary>
    public const int MaxNestingDepth = 128;

    /// <summary>Largest JSON text accepted by one command (Redis' default proto-max-bulk-len is 512 MiB; documents are far smaller in practice).</summary>
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    /// <summary>Longest JSONPath expression accepted.</summary>
    public const int MaxPathBytes = 64 * 1024;
}
