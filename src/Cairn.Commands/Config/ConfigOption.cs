namespace Cairn.Commands.Config;

/// <summary>One configuration parameter under its redis.conf name.</summary>
public sealed class ConfigOption
{
    public required string Name { get; init; }

    public string[] Aliases { get; init; } = [];

    public required string DefaultValue { get; init; }

    /// <summary>False for parameters fixed at start-up ("can't set immutable config").</summary>
    public bool Mutable { get; init; } = true;

    /// <summary>Sensitive values (requirepass) are redacted in logs.</summary>
    public bool Sensitive { get; init; }

    public required Func<string> Get { get; init; }

    /// <summary>Validates and applies a value; returns an error text (Redis's wording) or null.</summary>
    public required Func<string, string?> Set { get; init; }
}
