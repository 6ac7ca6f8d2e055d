package dev.hotswap.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Spring Boot lines a data app (JPA with Hibernate and H2, Spring Data, validation, Thymeleaf)
 * is tested on: 3.5 (Hibernate 6.6) and 4.0 (Hibernate 7), each from the folder its module
 * (integration-tests/data3-jars, data4-jars) copied its jars to.
 */
enum DataBoot {
    V3_5("data3Jars"), V4_0("data4Jars");

    private final String property;

    DataBoot(String property) {
        this.property = property;
    }

    List<Path> jars() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty(property)))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
