using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace IotSquares.Bench.Machine;

/// <summary>Where the repository, our server, the textbook's server and the native peers are.</summary>
internal static class Locations
{
    /// <summary>The server's assembly name.</summary>
    public const string ServerFileName = "PiSquareServer.dll";

    /// <summary>The repository root: the first folder holding IotSquares.sln above the current folder or the tool.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (string start in (string[])[Directory.GetCurrentDirectory(), AppContext.BaseDirectory])
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "IotSquares.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Our server: the one built beside the tool (scripts/bench.sh builds both with <c>-o</c> into one
    /// folder), else the repository's Release build; null if there is none.
    /// </summary>
    public static string? FindServer(string? repositoryRoot)
    {
        string beside = Path.Combine(AppContext.BaseDirectory, ServerFileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        if (repositoryRoot is null)
        {
            return null;
        }

        string release = Path.Combine(repositoryRoot, "src", "PiSquareServer", "bin", "Release", "net10.0", ServerFileName);
        return File.Exists(release) ? release : null;
    }

    /// <summary>
    /// Our client as a user runs it: the executable built beside the tool (the tool references the client, so
    /// the build puts it there), else its assembly, run by the dotnet host; null if there is neither.
    /// </summary>
    public static string? FindClient()
    {
        string executable = Path.Combine(AppContext.BaseDirectory, "PiSquareClient");
        string assembly = executable + ".dll";
        return File.Exists(executable) ? executable : File.Exists(assembly) ? assembly : null;
    }

    /// <summary>The textbook's server as the interoperability tests keep it.</summary>
    public static string TextbookServer(string repositoryRoot) =>
        Path.Combine(repositoryRoot, "tests", "Integration.Tests", "Python", "textbook_server.py");

    /// <summary>The build configuration an assembly was compiled in (its AssemblyConfigurationAttribute), or null.</summary>
    public static string? BuildConfiguration(string assemblyPath)
    {
        try
        {
            using FileStream stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            MetadataReader metadata = pe.GetMetadataReader();
            foreach (CustomAttributeHandle handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
            {
                CustomAttribute attribute = metadata.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != HandleKind.MemberReference)
                {
                    continue;
                }

                MemberReference constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                if (constructor.Parent.Kind != HandleKind.TypeReference)
                {
                    continue;
                }

                TypeReference type = metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent);
                if (metadata.GetString(type.Name) != "AssemblyConfigurationAttribute")
                {
                    continue;
                }

                BlobReader value = metadata.GetBlobReader(attribute.Value);
                return value.ReadUInt16() == 1 ? value.ReadSerializedString() : null;
            }
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or InvalidOperationException)
        {
        }

        return null;
    }
}
