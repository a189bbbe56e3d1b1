using Cairn.Commands.Execution;

namespace Cairn.Commands.Specs;

/// <summary>
/// One command's metadata, loaded from the JSON files in Specs/ (the data COMMAND INFO and COMMAND DOCS report),
/// bound to its handler at start-up.
/// </summary>
public sealed class CommandSpec
{
    public required string Name { get; init; }

    /// <summary>"get", or "client|kill" for a subcommand.</summary>
    public required string FullName
    {
        get => _fullName;
        init
        {
            _fullName = value;
            AofVerbatimArgumentCount = Persistence.AofPropagation.VerbatimArgumentCount(value);
        }
    }

    private readonly string _fullName = "";

    /// <summary>
    /// When the AOF logs this command as it arrived (unless its handler recorded its effect): 0 always, -1 never,
    /// n only with exactly n arguments (<see cref="Persistence.AofPropagation.IsVerbatim"/>).
    /// </summary>
    public int AofVerbatimArgumentCount { get; private init; }

    /// <summary>Redis arity: positive = exact argument count (with the name), negative = at least -arity.</summary>
    public required int Arity { get; init; }

    public required CommandFlags Flags { get; init; }

    public required string[] FlagNames { get; init; }

    public required string[] AclCategories { get; init; }

    public int FirstKey { get; init; }

    public int LastKey { get; init; }

    public int Step { get; init; }

    /// <summary>For commands with "numkeys" (ZUNIONSTORE, LMPOP...): index of numkeys; keys follow it. 0 if none.</summary>
    public int NumKeysIndex { get; init; }

    public required string Group { get; init; }

    public required string Since { get; init; }

    public required string Summary { get; init; }

    public required string Complexity { get; init; }

    public Dictionary<string, CommandSpec>? Subcommands { get; init; }

    public CommandHandler? Handler { get; set; }

    public CommandSpec? Parent { get; init; }

    /// <summary>Calls, time and failures, for INFO commandstats. Mutated under the store lock.</summary>
    public CommandStatistics Statistics { get; } = new();

    public bool Has(CommandFlags flag) => (Flags & flag) != 0;

    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}
