package dev.diversify.jobs;

import dev.diversify.data.DataFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a dataset format id ({@code cifar10}, {@code cifar100}, {@code idx}) into a {@link DataFormat}. */
final class FormatConverter implements ITypeConverter<DataFormat> {

    @Override
    public DataFormat convert(String id) {
        try {
            return DataFormat.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
