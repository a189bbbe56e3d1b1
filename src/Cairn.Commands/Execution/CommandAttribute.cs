namespace Cairn.Commands.Execution;

/// <summary>Marks a static handler method for the command (or "container|subcommand") named in the specs.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class CommandAttribute : Attribute
{
    public CommandAttribute(string name)
    {
        Name = name;
    }

    public string Name { get; }
}
