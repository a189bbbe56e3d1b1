using System.Reflection;
using System.Text.Json;
using Cairn.Commands.Execution;
using Cairn.Primitives;

namespace Cairn.Commands.Specs;

/// <summary>
/// The command table: specs from the embedded JSON (Specs/*.json, one file per group) bound to the [Command] handlers.
/// Start-up fails when a spec has no handler or a handler no spec, so the data and the code cannot drift apart.
/// Thread safety: immutable after construction.
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<string, CommandSpec> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommandSpec>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CommandTable(params Assembly[] handlerAssemblies)
    {
        Assembly own = typeof(CommandTable).Assembly;
        foreach (string resource in own.GetManifestResourceNames())
        {
            if (!resource.StartsWith("Cairn.Commands.Specs.", StringComparison.Ordinal) || !resource.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }
            using Stream stream = own.GetManifestResourceStream(resource)!;
            using JsonDocument document = JsonDocument.Parse(stream);
            foreach (JsonElement element in document.RootElement.EnumerateArray())
            {
                CommandSpec spec = ParseSpec(element, null);
                if (!_commands.TryAdd(spec.Name, spec))
                {
                    throw new InvalidOperationException($"command '{spec.Name}' is specified twice ({resource})");
                }
            }
        }
        BindHandlers(handlerAssemblies.Length == 0 ? [own] : handlerAssemblies.Append(own).Distinct().ToArray());
        _lookup = _commands.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyDictionary<string, CommandSpec> Commands => _commands;

    public int Count => _commands.Count;

    /// <summary>Finds a command by its name as sent (any case), without allocating.</summary>
    public CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > 64)
        {
            return null;
        }
        Span<char> lower = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            lower[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
        }
        return _lookup.TryGetValue(lower, out CommandSpec? spec) ? spec : null;
    }

    public CommandSpec? Find(string name) => _commands.GetValueOrDefault(name.ToLowerInvariant());

    public static CommandSpec? FindSubcommand(CommandSpec container, ReadOnlySpan<byte> name)
    {
        if (container.Subcommands is null || name.Length > 64)
        {
            return null;
        }
        Span<char> lower = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            lower[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
        }
        return container.Subcommands.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lower, out CommandSpec? spec) ? spec : null;
    }

    private static CommandSpec ParseSpec(JsonElement element, CommandSpec? parent)
    {
        string name = element.GetProperty("name").GetString()!;
        string[] flags = ReadStrings(element, "flags");
        int[] keys = element.TryGetProperty("keys", out JsonElement k) ? k.EnumerateArray().Select(e => e.GetInt32()).ToArray() : [0, 0, 0];
        var spec = new CommandSpec
        {
            Name = name,
            FullName = parent is null ? name : parent.Name + "|" + name,
            Arity = element.GetProperty("arity").GetInt32(),
            FlagNames = flags,
            Flags = ParseFlags(flags, name),
            AclCategories = ReadStrings(element, "acl"),
            FirstKey = keys[0],
            LastKey = keys[1],
            Step = keys[2],
            NumKeysIndex = element.TryGetProperty("numkeys", out JsonElement nk) ? nk.GetInt32() : 0,
            Group = element.TryGetProperty("group", out JsonElement g) ? g.GetString()! : parent?.Group ?? "generic",
            Since = element.TryGetProperty("since", out JsonElement s) ? s.GetString()! : parent?.Since ?? "1.0.0",
            Summary = element.TryGetProperty("summary", out JsonElement sum) ? sum.GetString()! : "",
            Complexity = element.TryGetProperty("complexity", out JsonElement c) ? c.GetString()! : "O(1)",
            Parent = parent,
            Subcommands = element.TryGetProperty("subcommands", out _) ? new Dictionary<string, CommandSpec>(StringComparer.Ordinal) : null,
        };
        if (spec.Subcommands is not null)
        {
            foreach (JsonElement sub in element.GetProperty("subcommands").EnumerateArray())
            {
                CommandSpec child = ParseSpec(sub, spec);
                spec.Subcommands.Add(child.Name, child);
            }
        }
        return spec;
    }

    private static string[] ReadStrings(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement array) ? array.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];

    private static CommandFlags ParseFlags(string[] names, string command)
    {
        CommandFlags flags = CommandFlags.None;
        foreach (string name in names)
        {
            flags |= name switch
            {
                "write" => CommandFlags.Write,
                "readonly" => CommandFlags.ReadOnly,
                "denyoom" => CommandFlags.DenyOom,
                "admin" => CommandFlags.Admin,
                "pubsub" => CommandFlags.PubSub,
                "noscript" => CommandFlags.NoScript,
                "blocking" => CommandFlags.Blocking,
                "loading" => CommandFlags.Loading,
                "stale" => CommandFlags.Stale,
                "skip_monitor" => CommandFlags.SkipMonitor,
                "skip_slowlog" => CommandFlags.SkipSlowlog,
                "fast" => CommandFlags.Fast,
                "no_auth" => CommandFlags.NoAuth,
                "may_replicate" => CommandFlags.MayReplicate,
                "allow_busy" => CommandFlags.AllowBusy,
                "movablekeys" => CommandFlags.MovableKeys,
                "no_multi" => CommandFlags.NoMulti,
                "allow_subscribed" => CommandFlags.AllowedInSubscribe,
                _ => throw new InvalidOperationException($"unknown flag '{name}' on command '{command}'"),
            };
        }
        return flags;
    }

    private void BindHandlers(Assembly[] assemblies)
    {
        foreach (Assembly assembly in assemblies)
        {
            foreach (Type type in assembly.GetTypes())
            {
                foreach (MethodInfo method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    foreach (CommandAttribute attribute in method.GetCustomAttributes<CommandAttribute>())
                    {
                        CommandSpec spec = ResolveForBinding(attribute.Name);
                        Invariant.Require(spec.Handler is null, $"two handlers for '{attribute.Name}'");
                        spec.Handler = method.CreateDelegate<CommandHandler>();
                    }
                }
            }
        }
        foreach (CommandSpec spec in _commands.Values)
        {
            RequireHandler(spec);
        }
    }

    private static void RequireHandler(CommandSpec spec)
    {
        if (spec.Subcommands is not null && spec.Handler is null)
        {
            foreach (CommandSpec sub in spec.Subcommands.Values)
            {
                RequireHandler(sub);
            }
            return;
        }
        if (spec.Handler is null)
        {
            throw new InvalidOperationException($"command '{spec.FullName}' has a spec but no handler");
        }
    }

    private CommandSpec ResolveForBinding(string name)
    {
        string lower = name.ToLowerInvariant();
        int bar = lower.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return _commands.TryGetValue(lower, out CommandSpec? spec)
                ? spec
                : throw new InvalidOperationException($"handler for '{name}' has no spec");
        }
        if (_commands.TryGetValue(lower[..bar], out CommandSpec? container) && container.Subcommands is not null
            && container.Subcommands.TryGetValue(lower[(bar + 1)..], out CommandSpec? sub))
        {
            return sub;
        }
        throw new InvalidOperationException($"handler for '{name}' has no spec");
    }
}
