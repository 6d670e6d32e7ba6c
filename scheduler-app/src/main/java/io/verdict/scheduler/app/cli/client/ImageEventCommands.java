package io.verdict.scheduler.app.cli.client;

import io.verdict.scheduler.app.cli.Commands;
import io.verdict.scheduler.app.cli.UsageException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.verdict.scheduler.app.cli.Commands.command;
import static io.verdict.scheduler.app.cli.Commands.required;
import static io.verdict.scheduler.app.cli.Commands.value;

/**
 * {@code images put|delete} (index an image's SBOM components or remove it) and {@code events advisory|vex}
 * (send an advisory or VEX document to intake). Files are sent as they are: the server parses and validates them
 * and its field errors are printed.
 */
public final class ImageEventCommands {
    static final Output.View IMAGE_VIEW = new Output.View(List.of(Output.Column.of("DIGEST", "/digest"),
            Output.Column.of("TENANT", "/tenantId"), Output.Column.of("COMPONENTS", "/components")), "/digest");
    static final Output.View INTAKE_VIEW = new Output.View(List.of(Output.Column.of("EVENT", "/eventId"),
            Output.Column.of("RUN", "/runId"), Output.Column.of("DUPLICATE", "/duplicate")), "/runId");

    private ImageEventCommands() {}

    public static CommandSpec images(ClientContext cx) {
        CommandSpec images = Commands.group("images", "Index an image's SBOM components, or remove an image from the index.");
        CommandSpec put = cx.withGlobals(command("put", "Index (or re-index) an image from a JSON body or SBOM file.", p -> {
            String digest = Commands.positionalValue(p, 0);
            Path file = Path.of(value(p, "--file", null));
            cx.output(p).print(cx.client(p).put("/api/v1/scheduler/images/" + ApiClient.segment(digest), read(file, "--file"),
                    contentType(file, value(p, "--content-type", null))), IMAGE_VIEW);
            return 0;
        }));
        put.addPositional(digest());
        put.addOption(required("--file", "FILE", "image body JSON (registry, repository, components[...]) or a CycloneDX/SPDX JSON SBOM"));
        put.addOption(Commands.option("--content-type", "TYPE", "override the content type sent (default application/json)"));
        images.addSubcommand("put", put);
        CommandSpec delete = cx.withGlobals(command("delete", "Remove an image from the index.", p -> {
            String digest = Commands.positionalValue(p, 0);
            cx.client(p).delete("/api/v1/scheduler/images/" + ApiClient.segment(digest));
            cx.err().println("removed " + digest);
            return 0;
        }));
        delete.addPositional(digest());
        images.addSubcommand("delete", delete);
        return images;
    }

    public static CommandSpec events(ClientContext cx) {
        CommandSpec events = Commands.group("events", "Send an advisory or VEX delta to intake (plans the impacted run).");
        for (String kind : List.of("advisory", "vex")) {
            CommandSpec c = cx.withGlobals(command(kind, "Send a " + kind + " event document (JSON) to intake.", p -> {
                Path file = Path.of(value(p, "--file", null));
                cx.output(p).print(cx.client(p).post("/api/v1/scheduler/events/" + kind, read(file, "--file"),
                        contentType(file, value(p, "--content-type", null))), INTAKE_VIEW);
                return 0;
            }));
            c.addOption(required("--file", "FILE", "the event document (eventId, purls[] and/or vulnerabilityIds[], ...)"));
            c.addOption(Commands.option("--content-type", "TYPE", "override the content type sent (default application/json)"));
            events.addSubcommand(kind, c);
        }
        return events;
    }

    private static PositionalParamSpec digest() {
        return PositionalParamSpec.builder().paramLabel("DIGEST").type(String.class).arity("1")
                .description("the image digest, sha256:<64 hex>").build();
    }

    private static byte[] read(Path file, String flag) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    private static String contentType(Path file, String override) {
        return override != null ? override : "application/json";
    }
}
